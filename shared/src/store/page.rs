//! One page of a filtered Query. DynamoDB applies `Limit` before the filter, so a page is filled by
//! reading on until it has `limit` matches or the partition ends; the cursor is the key of the last
//! item returned, not DynamoDB's own `LastEvaluatedKey`.

use super::{Item, Store};
use crate::error::Error;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// How many items one Query reads while filling a filtered page.
const READ_AHEAD: i32 = 100;

impl Store {
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
            let out = query().set_exclusive_start_key(start.take()).limit(READ_AHEAD).send().await?;
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
