//! One page of a filtered Query. DynamoDB applies `Limit` before the filter, so a page is filled by
//! reading on until it has `limit` matches or the partition ends; the cursor is the key of the last
//! item returned, not DynamoDB's own `LastEvaluatedKey`.

use super::{from_item, s, Item, Store};
use crate::error::Error;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use serde::{de::DeserializeOwned, Serialize};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// How many items one Query reads while filling a filtered page.
const READ_AHEAD: i32 = 100;

impl Store {
    /// A Query for the items of one partition whose sort key starts with `prefix`.
    pub(crate) fn prefix_query(&self, pk: &str, prefix: &str) -> QueryFluentBuilder {
        self.db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", s(pk))
            .expression_attribute_values(":prefix", s(prefix))
    }

    /// A Query for the items of one partition of an index, in its sort-key order.
    pub(crate) fn index_query(&self, index: &str, pk: &str) -> QueryFluentBuilder {
        self.db
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("{index}pk = :pk"))
            .expression_attribute_values(":pk", s(pk))
    }

    /// Every item of one partition under a sort-key prefix, read as `T`.
    pub(crate) async fn all_under<T: DeserializeOwned>(&self, pk: &str, prefix: &str) -> Result<Vec<T>, Error> {
        self.query_all(|| self.prefix_query(pk, prefix)).await?.into_iter().map(from_item).collect()
    }

    /// Items of one partition of a (sparse) index, in sort-key order or newest first, optionally only
    /// those whose sort key is before `before`; at most `limit` of them (one call), or all.
    pub(crate) async fn index_items<T: DeserializeOwned>(
        &self,
        index: &str,
        pk: &str,
        before: Option<String>,
        newest_first: bool,
        limit: Option<i32>,
    ) -> Result<Vec<T>, Error> {
        let query = || {
            let q = self
                .db
                .query()
                .table_name(&self.table)
                .index_name(index)
                .expression_attribute_values(":pk", s(pk))
                .scan_index_forward(!newest_first);
            match &before {
                Some(b) => q
                    .key_condition_expression(format!("{index}pk = :pk AND {index}sk < :before"))
                    .expression_attribute_values(":before", s(b)),
                None => q.key_condition_expression(format!("{index}pk = :pk")),
            }
        };
        let items = match limit {
            Some(n) => query().limit(n).send().await?.items.unwrap_or_default(),
            None => self.query_all(query).await?,
        };
        items.into_iter().map(from_item).collect()
    }

    /// A page of `T` from `query_page`'s result, its cursor signed for `scope`.
    pub(crate) fn page<T: DeserializeOwned>(
        &self,
        scope: &super::cursor::Scope,
        items: Vec<Item>,
        last: Option<Item>,
    ) -> Result<Page<T>, Error> {
        Ok(Page {
            items: items.into_iter().map(from_item).collect::<Result<_, _>>()?,
            next_cursor: last.map(|k| self.cursors.encode(scope, &k)),
        })
    }

    /// `key_attrs` are the attributes that make up this query's `ExclusiveStartKey`.
    pub(crate) async fn query_page(
        &self,
        query: impl Fn() -> QueryFluentBuilder,
        limit: usize,
        start: Option<Item>,
        key_attrs: &[&str],
    ) -> Result<(Vec<Item>, Option<Item>), Error> {
        let mut items = Vec::new();
        let mut start = start;
        loop {
            // A page larger than the read-ahead is read in as few calls as DynamoDB's 1 MB allows.
            let read = READ_AHEAD.max(i32::try_from(limit.saturating_sub(items.len())).unwrap_or(i32::MAX));
            let out = query().set_exclusive_start_key(start.take()).limit(read).send().await?;
            let mut got = out.items.unwrap_or_default();
            if items.len() + got.len() >= limit && limit > 0 {
                got.truncate(limit - items.len());
                items.extend(got);
                let more = out.last_evaluated_key.is_some() || items.len() == limit;
                let last = items.last().map(|it| project(it, key_attrs));
                return Ok((items, last.filter(|_| more)));
            }
            items.extend(got);
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok((items, None)),
            }
        }
    }

    /// Every item of a Query, page after page (a case's history, a transfer's snapshots).
    pub(crate) async fn query_all(&self, query: impl Fn() -> QueryFluentBuilder) -> Result<Vec<Item>, Error> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = query().set_exclusive_start_key(start.take()).send().await?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(items),
            }
        }
    }
}

fn project(item: &Item, attrs: &[&str]) -> Item {
    attrs.iter().filter_map(|a| item.get(*a).map(|v| (a.to_string(), v.clone()))).collect()
}
