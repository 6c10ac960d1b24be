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
                    let mut q = self
                        .db
                        .query()
                        .table_name(&self.table)
                        .key_condition_expression("pk = :pk AND begins_with(sk, :case)")
                        .expression_attribute_values(":pk", s(keys::district_pk(district)))
                        .expression_attribute_values(":case", s("CASE#"));
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
        let now = Timestamp::now();
        let cases: Vec<Case> = items.into_iter().map(from_item).collect::<Result<_, _>>()?;
        Ok(Page {
            items: cases.iter().map(|c| c.summary(now)).collect(),
            next_cursor: last.map(|k| self.cursors.encode(&scope, &k)),
        })
    }

    pub async fn case(&self, district: &str, id: &str) -> Result<Option<Case>, Error> {
        self.get(keys::case(district, id)).await?.map(from_item).transpose()
    }

    /// One case of the district with its whole history; another district's case is not found.
    pub async fn case_detail(&self, district: &str, id: &str, now: Timestamp) -> Result<CaseDetail, Error> {
        let case = self.case(district, id).await?.ok_or(Error::NotFound)?;
        let entries = self.history(&case).await?;
        Ok(CaseDetail { pending_transfer_id: case.pending_at(now).map(str::to_owned), case, entries })
    }

    /// The whole history of a case, oldest first: what it inherited from the district it came from
    /// (read from that transfer's snapshot), its own entries, and its disclosures.
    pub async fn history(&self, case: &Case) -> Result<Vec<Entry>, Error> {
        let own = self.query_all(|| {
            self.db
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :e)")
                .expression_attribute_values(":pk", s(keys::entries_pk(&case.id)))
                .expression_attribute_values(":e", s("ENTRY#"))
        });
        let inherited = async {
            match &case.provenance {
                Some(p) => self.snapshot_entries(&p.transfer_id, &p.source_case_id).await,
                None => Ok(Vec::new()),
            }
        };
        let (own, inherited) = tokio::join!(own, inherited);
        let mut entries = inherited?;
        for item in own? {
            entries.push(from_item(item)?);
        }
        entries.extend(case.disclosures.iter().map(|d| d.as_entry()));
        entries.sort_by_key(|e| e.at);
        Ok(entries)
    }

    /// The history frozen for one case in one transfer, in chunk order.
    pub(crate) async fn snapshot_entries(&self, transfer: &str, source_case: &str) -> Result<Vec<Entry>, Error> {
        let items = self
            .query_all(|| {
                self.db
                    .query()
                    .table_name(&self.table)
                    .key_condition_expression("pk = :pk AND begins_with(sk, :snap)")
                    .expression_attribute_values(":pk", s(keys::transfer_pk(transfer)))
                    .expression_attribute_values(":snap", s(keys::snapshot_prefix(source_case)))
            })
            .await?;
        let mut entries = Vec::new();
        for item in items {
            entries.extend(from_item::<SnapshotChunk>(item)?.entries);
        }
        Ok(entries)
    }
}
