//! A case's history a page at a time, oldest or newest first, every page at most `PAGE_BYTES` of entries
//! whatever their size (api.md v1.1, "Case history is paged"). A history is a list of parts
//! (`HistorySegment`), each one district's own entries of one case written up to the part's moment,
//! merged by time with the disclosures it froze: a case reads what it inherited, then its own live
//! part; a transfer's frozen case reads the parts its send froze. Nothing is ever copied, so a page
//! costs the same whatever the history's length.
//!
//! The cursor is a signed position: the part, and the sort key of the last entry given from it.

use super::cursor::Scope;
use super::keys;
use super::{from_item, s, string_attr, Item, Page, Store};
use crate::domain::{Case, Entry, HistorySegment, SnapshotHeader, TransferId};
use crate::error::Error;

/// Entries of one page, measured as JSON: a response stays far below 1 MiB with its envelope.
const PAGE_BYTES: usize = 900_000;

/// How far a page got: the next entry is in part `part`, after the sort key `after`
/// (`ENTRY#{at}#{id}`), or at its start.
struct Mark {
    part: usize,
    after: Option<String>,
}

impl Mark {
    const START: Mark = Mark { part: 0, after: None };

    fn to_item(&self) -> Item {
        Item::from([
            ("part".to_owned(), s(self.part.to_string())),
            ("after".to_owned(), s(self.after.clone().unwrap_or_default())),
        ])
    }

    fn from_item(item: &Item) -> Result<Mark, Error> {
        let bad = || Error::invalid("cursor", "not a cursor for this query");
        let part = string_attr(item, "part").and_then(|v| v.parse::<usize>().ok()).ok_or_else(bad)?;
        Ok(Mark { part, after: string_attr(item, "after").filter(|a| !a.is_empty()) })
    }
}

/// What a page is being filled with, and what room is left in it.
struct Filling {
    items: Vec<Entry>,
    limit: usize,
    bytes: usize,
}

impl Filling {
    fn new(limit: usize) -> Self {
        Filling { items: Vec::new(), limit, bytes: 0 }
    }

    /// Takes `e` if the page has room for it (always the first, however large: a page is never empty).
    fn take(&mut self, e: Entry) -> bool {
        let size = serde_json::to_vec(&e).map(|v| v.len()).unwrap_or(PAGE_BYTES);
        if self.items.len() >= self.limit || (!self.items.is_empty() && self.bytes + size > PAGE_BYTES) {
            return false;
        }
        self.bytes += size;
        self.items.push(e);
        true
    }

    fn full(&self) -> bool {
        self.items.len() >= self.limit || self.bytes >= PAGE_BYTES
    }
}

fn sort_key(e: &Entry) -> String {
    format!("ENTRY#{}#{}", e.at, e.id)
}

/// Which way a history is read (api.md v1.2: `order=asc|desc`); a cursor belongs to one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Oldest first.
    #[default]
    Asc,
    /// Newest first.
    Desc,
}

impl Order {
    fn name(self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "desc",
        }
    }

    /// Whether sort key `a` comes before `b` in this order.
    fn before(self, a: &str, b: &str) -> bool {
        match self {
            Order::Asc => a < b,
            Order::Desc => a > b,
        }
    }
}

impl Store {
    /// A page of a case's whole history.
    pub async fn case_entries(
        &self,
        case: &Case,
        order: Order,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<Entry>, Error> {
        let scope = Scope::new("entries").with(&case.district_id).with(&case.id).with(order.name());
        self.history_page(&scope, &case.history(None), order, limit, cursor).await
    }

    /// A page of the history one transfer froze for one of its cases.
    pub async fn snapshot_page(
        &self,
        transfer: &TransferId,
        frozen: &SnapshotHeader,
        order: Order,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<Entry>, Error> {
        let scope = Scope::new("snapshot").with(transfer).with(&frozen.source_case_id).with(order.name());
        self.history_page(&scope, &frozen.history, order, limit, cursor).await
    }

    /// `Mark::part` counts parts in reading order: the oldest part first, or the newest.
    async fn history_page(
        &self,
        scope: &Scope,
        parts: &[HistorySegment],
        order: Order,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<Entry>, Error> {
        let mut mark = match cursor {
            Some(c) => Mark::from_item(&self.cursors.decode(scope, c)?)?,
            None => Mark::START,
        };
        let in_order: Vec<&HistorySegment> = match order {
            Order::Asc => parts.iter().collect(),
            Order::Desc => parts.iter().rev().collect(),
        };
        let mut page = Filling::new(limit);
        let stop = loop {
            let Some(part) = in_order.get(mark.part) else { break None };
            if let Some(after) = self.fill_from_part(part, order, mark.after.take(), &mut page).await? {
                break Some(Mark { part: mark.part, after: Some(after) });
            }
            mark = Mark { part: mark.part + 1, after: None };
            if page.full() {
                break (mark.part < in_order.len()).then_some(mark);
            }
        };
        Ok(Page { items: page.items, next_cursor: stop.map(|m| self.cursors.encode(scope, &m.to_item())) })
    }

    /// Fills `page` from one part: its entries written up to its moment, merged with its
    /// disclosures by sort key, after `after`. `None`: the part ended; otherwise the sort key of the
    /// last entry given, where the next page resumes.
    async fn fill_from_part(
        &self,
        part: &HistorySegment,
        order: Order,
        after: Option<String>,
        page: &mut Filling,
    ) -> Result<Option<String>, Error> {
        let pk = keys::entries_pk(&part.district_id, &part.case_id);
        let mut disclosures: Vec<Entry> = part.disclosures.iter().map(|d| d.as_entry()).collect();
        disclosures.sort_by(|a, b| match order {
            Order::Asc => sort_key(a).cmp(&sort_key(b)),
            Order::Desc => sort_key(b).cmp(&sort_key(a)),
        });
        disclosures.retain(|d| after.as_ref().is_none_or(|a| order.before(a, &sort_key(d))));
        let mut disclosures = disclosures.into_iter().peekable();
        let mut last = after.clone();
        let mut start = after.map(|a| keys::key(pk.clone(), a));
        let stopped = |last: &Option<String>| Ok(Some(last.clone().unwrap_or_default()));
        loop {
            let want = (page.limit - page.items.len()).clamp(1, 100) as i32;
            let mut q = self
                .prefix_query(&pk, "ENTRY#")
                .scan_index_forward(order == Order::Asc)
                .set_exclusive_start_key(start.take())
                .limit(want);
            if let Some(upto) = part.upto {
                // Entries written after the send are not part of what it froze.
                q = q
                    .filter_expression("attribute_not_exists(writtenAt) OR writtenAt <= :upto")
                    .expression_attribute_values(":upto", s(upto.to_rfc3339()));
            }
            let out = q.send().await?;
            let more = out.last_evaluated_key;
            for item in out.items.unwrap_or_default() {
                let e: Entry = from_item(item)?;
                while let Some(d) = disclosures.next_if(|d| order.before(&sort_key(d), &sort_key(&e))) {
                    let key = sort_key(&d);
                    if !page.take(d) {
                        return stopped(&last);
                    }
                    last = Some(key);
                }
                let key = sort_key(&e);
                if !page.take(e) {
                    return stopped(&last);
                }
                last = Some(key);
            }
            let Some(more) = more else { break };
            if page.full() {
                // After the last entry given, not where DynamoDB stopped reading: a disclosure may
                // sort between the two.
                return stopped(&last);
            }
            // Where DynamoDB stopped reading: past entries the filter left out too.
            start = Some(more);
        }
        for d in disclosures {
            let key = sort_key(&d);
            if !page.take(d) {
                return stopped(&last);
            }
            last = Some(key);
        }
        Ok(None)
    }
}
