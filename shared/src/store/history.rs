//! A case's history a page at a time, oldest first, every page at most `PAGE_BYTES` of entries
//! whatever their size (api.md v1.1, "Case history is paged"). A case's history is what it inherited
//! (the snapshot of the transfer it was accepted from), then its own entries merged with its
//! disclosures by time. A frozen snapshot alone pages the same way.
//!
//! The cursor is a signed position: in the snapshot (chunk and offset), or after an entry's sort key.

use super::keys;
use super::{from_item, s, string_attr, Item, Page, Store};
use crate::domain::{Case, CaseId, Entry, TransferId};
use crate::error::Error;

/// Entries of one page, measured as JSON: a response stays far below 1 MiB with its envelope.
const PAGE_BYTES: usize = 900_000;

/// How far a page got.
enum Mark {
    /// In a snapshot: the next entry is `offset` of chunk `chunk`.
    Inherited { chunk: usize, offset: usize },
    /// In the case's own entries (and disclosures): after this sort key (`ENTRY#{at}#{id}`).
    Own { after: Option<String> },
}

impl Mark {
    fn to_item(&self) -> Item {
        match self {
            Mark::Inherited { chunk, offset } => Item::from([
                ("phase".to_owned(), s("inherited")),
                ("chunk".to_owned(), s(chunk.to_string())),
                ("offset".to_owned(), s(offset.to_string())),
            ]),
            Mark::Own { after } => {
                Item::from([("phase".to_owned(), s("own")), ("after".to_owned(), s(after.clone().unwrap_or_default()))])
            }
        }
    }

    fn from_item(item: &Item) -> Result<Mark, Error> {
        let bad = || Error::invalid("cursor", "not a cursor for this query");
        let number = |name: &str| string_attr(item, name).and_then(|v| v.parse::<usize>().ok()).ok_or_else(bad);
        match string_attr(item, "phase").as_deref() {
            Some("inherited") => Ok(Mark::Inherited { chunk: number("chunk")?, offset: number("offset")? }),
            Some("own") => Ok(Mark::Own { after: string_attr(item, "after").filter(|a| !a.is_empty()) }),
            _ => Err(bad()),
        }
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

impl Store {
    /// A page of a case's whole history.
    pub async fn case_entries(&self, case: &Case, limit: usize, cursor: Option<&str>) -> Result<Page<Entry>, Error> {
        let scope = format!("entries:{}:{}", case.district_id, case.id);
        let start = match cursor {
            Some(c) => Mark::from_item(&self.cursors.decode(&scope, c)?)?,
            None if case.provenance.is_some() => Mark::Inherited { chunk: 0, offset: 0 },
            None => Mark::Own { after: None },
        };
        let mut page = Filling::new(limit);
        let mut mark = start;
        if let (Mark::Inherited { chunk, offset }, Some(p)) = (&mark, &case.provenance) {
            match self.fill_from_snapshot(&p.transfer_id, &p.source_case_id, *chunk, *offset, &mut page).await? {
                Some(stop) => return Ok(self.history_page(&scope, page, Some(stop))),
                None => mark = Mark::Own { after: None },
            }
        }
        let Mark::Own { after } = mark else { return Err(Error::invalid("cursor", "not a cursor for this query")) };
        let stop = self.fill_from_own(case, after, &mut page).await?;
        Ok(self.history_page(&scope, page, stop))
    }

    /// A page of the history one transfer froze for one of its cases.
    pub async fn snapshot_page(
        &self,
        transfer: &TransferId,
        source_case: &CaseId,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<Entry>, Error> {
        let scope = format!("snapshot:{transfer}:{source_case}");
        let (chunk, offset) = match cursor {
            Some(c) => match Mark::from_item(&self.cursors.decode(&scope, c)?)? {
                Mark::Inherited { chunk, offset } => (chunk, offset),
                Mark::Own { .. } => return Err(Error::invalid("cursor", "not a cursor for this query")),
            },
            None => (0, 0),
        };
        let mut page = Filling::new(limit);
        let stop = self.fill_from_snapshot(transfer, source_case, chunk, offset, &mut page).await?;
        Ok(self.history_page(&scope, page, stop))
    }

    fn history_page(&self, scope: &str, page: Filling, stop: Option<Mark>) -> Page<Entry> {
        Page { items: page.items, next_cursor: stop.map(|m| self.cursors.encode(scope, &m.to_item())) }
    }

    /// Fills `page` from a snapshot, one chunk item (at most 300 KB) at a time. `None`: the snapshot
    /// ended; otherwise where the next page starts.
    async fn fill_from_snapshot(
        &self,
        transfer: &TransferId,
        case: &CaseId,
        mut chunk: usize,
        mut offset: usize,
        page: &mut Filling,
    ) -> Result<Option<Mark>, Error> {
        #[derive(serde::Deserialize)]
        struct Chunk {
            entries: Vec<Entry>,
        }
        loop {
            let Some(item) = self.get(keys::snapshot_chunk(transfer, case, chunk)).await? else { return Ok(None) };
            let entries = from_item::<Chunk>(item)?.entries;
            for e in entries.into_iter().skip(offset) {
                if !page.take(e) {
                    return Ok(Some(Mark::Inherited { chunk, offset }));
                }
                offset += 1;
            }
            (chunk, offset) = (chunk + 1, 0);
            if page.full() {
                // The next chunk may not exist: look before promising more.
                let next = self.get(keys::snapshot_chunk(transfer, case, chunk)).await?;
                return Ok(next.map(|_| Mark::Inherited { chunk, offset: 0 }));
            }
        }
    }

    /// Fills `page` from the case's own entries, merged with its disclosures by sort key, after
    /// `after`. `None`: the history ended.
    async fn fill_from_own(
        &self,
        case: &Case,
        after: Option<String>,
        page: &mut Filling,
    ) -> Result<Option<Mark>, Error> {
        let pk = keys::entries_pk(&case.district_id, &case.id);
        let mut disclosures: Vec<Entry> = case.disclosures.iter().map(|d| d.as_entry()).collect();
        disclosures.sort_by_key(sort_key);
        disclosures.retain(|d| after.as_ref().is_none_or(|a| sort_key(d) > *a));
        let mut disclosures = disclosures.into_iter().peekable();
        let mut last = after.clone();
        let mut start = after.map(|a| keys::key(pk.clone(), a));
        loop {
            let want = (page.limit - page.items.len()).clamp(1, 100) as i32;
            let out = self.prefix_query(&pk, "ENTRY#").set_exclusive_start_key(start.take()).limit(want).send().await?;
            let more = out.last_evaluated_key.is_some();
            for item in out.items.unwrap_or_default() {
                let e: Entry = from_item(item)?;
                while let Some(d) = disclosures.next_if(|d| sort_key(d) < sort_key(&e)) {
                    if !page.take(d.clone()) {
                        return Ok(Some(Mark::Own { after: last }));
                    }
                    last = Some(sort_key(&d));
                }
                let key = sort_key(&e);
                if !page.take(e) {
                    return Ok(Some(Mark::Own { after: last }));
                }
                last = Some(key);
            }
            if !more {
                break;
            }
            if page.full() {
                return Ok(Some(Mark::Own { after: last }));
            }
            start = last.clone().map(|a| keys::key(pk.clone(), a));
        }
        for d in disclosures {
            let key = sort_key(&d);
            if !page.take(d) {
                return Ok(Some(Mark::Own { after: last }));
            }
            last = Some(key);
        }
        Ok(None)
    }
}
