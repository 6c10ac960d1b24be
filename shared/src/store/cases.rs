//! Cases: search, one case with its whole history, and the history a snapshot freezes.

use super::keys::{self, PK, SK};
use super::{from_item, s, Page, Store};
use crate::domain::{Case, CaseDetail, CaseStatus, CaseSummary, Entry, Timestamp};
use crate::error::Error;
use serde::Deserialize;

/// A stored snapshot chunk: a slice of one case's frozen history.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SnapshotChunk {
    pub entries: Vec<Entry>,
}

impl Store {
    /// Case search within the caller's district: one partition, filtered on the lower-cased
    /// `searchText` (case number, person of concern, building, team, team leader, case manager).
    pub async fn search_cases(
        &self,
        district: &str,
        q: Option<&str>,
        status: Option<CaseStatus>,
        limit: usize,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> Result<Page<CaseSummary>, Error> {
        let status_name = status.map(|st| serde_json::to_value(st).ok().and_then(|v| v.as_str().map(str::to_owned)));
        let status_name = status_name.flatten();
        let needle = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
        let scope =
            format!("cases:{district}:{}:{}", needle.as_deref().unwrap_or(""), status_name.as_deref().unwrap_or(""));
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let (items, last) = self
            .query_page(
                || {
                    let mut q = self.prefix_query(&keys::district_pk(district), "CASE#");
                    let mut filters = Vec::new();
                    if let Some(n) = &needle {
                        filters.push("contains(searchText, :q)");
                        q = q.expression_attribute_values(":q", s(n));
                    }
                    if let Some(st) = &status_name {
                        filters.push("#status = :status");
                        q = q
                            .expression_attribute_names("#status", "status")
                            .expression_attribute_values(":status", s(st));
                    }
                    if filters.is_empty() {
                        q
                    } else {
                        q.filter_expression(filters.join(" AND "))
                    }
                },
                limit,
                start,
                &[PK, SK],
            )
            .await?;
        let page: Page<Case> = self.page(&scope, items, last)?;
        Ok(Page { items: page.items.iter().map(|c| c.summary(now)).collect(), next_cursor: page.next_cursor })
    }

    pub async fn case(&self, district: &str, id: &str) -> Result<Option<Case>, Error> {
        self.get(keys::case(district, id)).await?.map(from_item).transpose()
    }

    /// One case of the district with its whole history; another district's case is not found.
    pub async fn case_detail(&self, district: &str, id: &str, now: Timestamp) -> Result<CaseDetail, Error> {
        let mut case = self.case(district, id).await?.ok_or(Error::NotFound)?;
        let entries = self.history(&case).await?;
        let pending_transfer_id = case.pending_at(now).map(str::to_owned);
        // The stored hold outlives its transfer's expiry; users see only `pendingTransferId`.
        case.pending_transfer = None;
        Ok(CaseDetail { pending_transfer_id, case, entries })
    }

    /// The whole history of a case, oldest first: what it inherited from the district it came from
    /// (read from that transfer's snapshot), its own entries, and its disclosures.
    pub async fn history(&self, case: &Case) -> Result<Vec<Entry>, Error> {
        let pk = keys::entries_pk(&case.id);
        let own = self.all_under::<Entry>(&pk, "ENTRY#");
        let inherited = async {
            match &case.provenance {
                Some(p) => self.snapshot_entries(&p.transfer_id, &p.source_case_id).await,
                None => Ok(Vec::new()),
            }
        };
        let (own, inherited) = tokio::join!(own, inherited);
        let mut entries = inherited?;
        entries.extend(own?);
        entries.extend(case.disclosures.iter().map(|d| d.as_entry()));
        entries.sort_by_key(|e| e.at);
        Ok(entries)
    }

    /// The history frozen for one case in one transfer, in chunk order.
    pub(crate) async fn snapshot_entries(&self, transfer: &str, source_case: &str) -> Result<Vec<Entry>, Error> {
        let chunks: Vec<SnapshotChunk> =
            self.all_under(&keys::transfer_pk(transfer), &keys::snapshot_prefix(source_case)).await?;
        Ok(chunks.into_iter().flat_map(|c| c.entries).collect())
    }
}
