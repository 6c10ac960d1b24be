//! Cases: search, and one case with its history counted.

use super::keys::{self, GSI1, PK, SK};
use super::{from_item, s, Page, Store};
use crate::domain::{search, Case, CaseDetail, CaseId, CaseStatus, CaseSummary, DistrictId, Timestamp};
use crate::error::Error;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;

/// Asks that every query word begin a word of the item's `searchText` (`domain::search`).
pub(crate) fn with_words(mut q: QueryFluentBuilder, words: &[String]) -> QueryFluentBuilder {
    if words.is_empty() {
        return q;
    }
    let mut filters = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        filters.push(format!("contains(searchText, :w{i})"));
        q = q.expression_attribute_values(format!(":w{i}"), s(search::needle(w)));
    }
    q.filter_expression(filters.join(" AND "))
}

impl Store {
    /// Case search within the caller's district, in case-number order (the district's partition of
    /// gsi1), filtered by the search rule and optionally by status.
    pub async fn search_cases(
        &self,
        district: &DistrictId,
        q: Option<&str>,
        status: Option<CaseStatus>,
        limit: usize,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> Result<Page<CaseSummary>, Error> {
        let words = q.map(search::query_words).unwrap_or_default();
        let status_name = status.map(|st| st.as_str());
        let scope = format!("cases:{district}:{}:{}", words.join(" "), status_name.unwrap_or(""));
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let pk = keys::cases_by_number_pk(district);
        let (items, last) = self
            .query_page(
                || {
                    let q = with_words(self.index_query(GSI1, &pk), &words);
                    match status_name {
                        None => q,
                        Some(st) => {
                            let status_filter = "#status = :status";
                            let combined = match q.get_filter_expression() {
                                Some(f) => format!("{f} AND {status_filter}"),
                                None => status_filter.to_owned(),
                            };
                            q.filter_expression(combined)
                                .expression_attribute_names("#status", "status")
                                .expression_attribute_values(":status", s(st))
                        }
                    }
                },
                limit,
                start,
                &[PK, SK, "gsi1pk", "gsi1sk"],
            )
            .await?;
        let page: Page<Case> = self.page(&scope, items, last)?;
        Ok(Page { items: page.items.iter().map(|c| c.summary(now)).collect(), next_cursor: page.next_cursor })
    }

    pub async fn case(&self, district: &DistrictId, id: &CaseId) -> Result<Option<Case>, Error> {
        self.get(keys::case(district, id)).await?.map(from_item).transpose()
    }

    /// One case of the district, its history counted (and paged by `case_entries`); another
    /// district's case is not found.
    pub async fn case_detail(&self, district: &DistrictId, id: &CaseId, now: Timestamp) -> Result<CaseDetail, Error> {
        let mut case = self.case(district, id).await?.ok_or(Error::NotFound)?;
        let pending_transfer_id = case.pending_at(now).cloned();
        // The stored hold outlives its transfer's expiry; users see only `pendingTransferId`.
        case.pending_transfer = None;
        case.inherited_history.clear();
        Ok(CaseDetail { pending_transfer_id, entry_count: case.entry_count(), case })
    }
}

/// A case item: the case, its search words, and its place in the district's case-number order.
pub(crate) fn case_item(c: &Case) -> Result<super::Item, Error> {
    let mut item = super::to_item(c)?;
    item.extend(keys::case(&c.district_id, &c.id));
    item.insert("searchText".into(), s(search::search_text(&Case::search_words(&c.header))));
    item.insert("gsi1pk".into(), s(keys::cases_by_number_pk(&c.district_id)));
    item.insert("gsi1sk".into(), s(format!("{}#{}", c.header.case_number, c.id)));
    Ok(item)
}
