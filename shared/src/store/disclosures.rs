//! The record of disclosures (FERPA 34 CFR 99.32): one item per row, in its case's history partition
//! (`ACCESS#{at}#{transfer}#{kind}`), so a case's record reads what that case holds; and on gsi1 under
//! `DISCLOSURES#{district}` by time, so the district's export of a date range reads that range only.
//! Rows are written by the transactions that reveal (`transfers::decide`, `transfers::accept`) or
//! fulfil (`transfers::create`), never after them.

use super::cursor::Scope;
use super::keys::{self, GSI1, PK, SK};
use super::page::Page;
use super::{s, to_item, Item, Store};
use crate::domain::disclosure::{AccessRecord, DisclosureRow};
use crate::domain::{CaseId, DistrictId, Timestamp};
use crate::error::Error;

/// The item of one row of `district`'s record.
pub fn row_item(district: &DistrictId, row: &DisclosureRow) -> Result<Item, Error> {
    let r = &row.record;
    let transfer = r.transfer_id.as_ref().ok_or_else(|| Error::unavailable("a disclosure row without its transfer"))?;
    let mut item = to_item(row)?;
    item.extend(keys::access(district, &row.case_id, r.at, transfer, r.kind.as_str()));
    item.insert("gsi1pk".into(), s(keys::disclosures_pk(district)));
    item.insert("gsi1sk".into(), s(format!("{}#{}#{}#{}", r.at, row.case_id, transfer, r.kind.as_str())));
    Ok(item)
}

/// The rows a transaction writes with a reveal or a fulfilling send, as `(label, item)`.
pub(crate) fn row_items(district: &DistrictId, rows: &[DisclosureRow]) -> Result<Vec<Item>, Error> {
    rows.iter().map(|r| row_item(district, r)).collect()
}

impl Store {
    /// A page of one case's record, oldest first.
    pub async fn case_disclosures(
        &self,
        district: &DistrictId,
        case: &CaseId,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<AccessRecord>, Error> {
        let scope = Scope::new("case-disclosures").with(district).with(case);
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let pk = keys::entries_pk(district, case);
        let (items, last) =
            self.query_page(|| self.prefix_query(&pk, keys::ACCESS_PREFIX), limit, start, &[PK, SK]).await?;
        self.page(&scope, items, last)
    }

    /// A page of the district's rows from `from` (inclusive) to `to` (exclusive), newest first.
    pub async fn district_disclosures(
        &self,
        district: &DistrictId,
        from: Timestamp,
        to: Timestamp,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<DisclosureRow>, Error> {
        let scope = Scope::new("disclosures").with(district).with(from).with(to);
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let pk = keys::disclosures_pk(district);
        // A row's gsi1sk is `{at}#...`: every row at or after `from` sorts at or after `from`, and every
        // row at `to` or later sorts after `to` itself.
        let query = || {
            self.db
                .query()
                .table_name(&self.table)
                .index_name(GSI1)
                .key_condition_expression("gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", s(&pk))
                .expression_attribute_values(":from", s(from.to_rfc3339()))
                .expression_attribute_values(":to", s(to.to_rfc3339()))
                .scan_index_forward(false)
        };
        let (items, last) = self.query_page(query, limit, start, &[PK, SK, "gsi1pk", "gsi1sk"]).await?;
        self.page(&scope, items, last)
    }
}
