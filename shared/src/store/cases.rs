//! Cases: search, and one case with its history counted.

use super::batch::key_of;
use super::case_words::{case_matches, case_order};
use super::cursor::Scope;
use super::keys::{self, GSI1, PK, SK};
use super::{from_item, s, string_attr, Page, Store};
use crate::domain::{
    search, Case, CaseDetail, CaseId, CaseStatus, CaseSummary, DistrictId, StaffField, Staffing, Timestamp,
};
use crate::error::Error;
use strum::IntoEnumIterator;

/// What case search keeps besides its words: a status, and cases missing any of their staff.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub unassigned: bool,
}

impl CaseFilter {
    fn admits(&self, c: &Case) -> bool {
        self.status.is_none_or(|st| c.header.status == st)
            && (!self.unassigned || Staffing::of(&c.header).is_unassigned())
    }
}

impl Store {
    /// Case search within the caller's district, in case-number order. Without words: the district's
    /// partition of gsi1, optionally filtered by status. With words: the word index
    /// (`store::case_words`), whose cost follows the matches, then the page's cases in one BatchGetItem.
    pub async fn search_cases(
        &self,
        district: &DistrictId,
        q: Option<&str>,
        filter: CaseFilter,
        limit: usize,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> Result<Page<CaseSummary>, Error> {
        let words = q.map(search::query_words).unwrap_or_default();
        let status_name = filter.status.map(|st| st.as_str());
        let scope = Scope::new("cases")
            .with(district)
            .with(words.join(" "))
            .with(status_name.unwrap_or(""))
            .with(if filter.unassigned { "unassigned" } else { "" });
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        if !words.is_empty() {
            let after = start.as_ref().and_then(|c| string_attr(c, "after"));
            return self.search_by_words(district, &words, filter, limit, after, now, &scope).await;
        }
        let pk = keys::cases_by_number_pk(district);
        let (items, last) = self
            .query_page(
                || {
                    let mut q = self.index_query(GSI1, &pk);
                    let mut conditions = Vec::new();
                    if let Some(st) = status_name {
                        conditions.push("#status = :status".to_owned());
                        q = q
                            .expression_attribute_names("#status", "status")
                            .expression_attribute_values(":status", s(st));
                    }
                    if filter.unassigned {
                        let any_empty = StaffField::iter().map(|f| format!("{} = :empty", f.name()));
                        conditions.push(format!("({})", any_empty.collect::<Vec<_>>().join(" OR ")));
                        q = q.expression_attribute_values(":empty", s(""));
                    }
                    if conditions.is_empty() {
                        q
                    } else {
                        q.filter_expression(conditions.join(" AND "))
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

    /// A page of the cases the word index offers, each read and checked (the index only proposes).
    #[allow(clippy::too_many_arguments)]
    async fn search_by_words(
        &self,
        district: &DistrictId,
        words: &[String],
        filter: CaseFilter,
        limit: usize,
        after: Option<String>,
        now: Timestamp,
        scope: &Scope,
    ) -> Result<Page<CaseSummary>, Error> {
        let mut found = Vec::new();
        let mut after = after;
        let mut more = true;
        // Usually once: a page's worth of candidates, then their cases in one BatchGetItem. Again
        // only when some candidate failed its check (a status filter, an item left behind).
        while found.len() < limit && more {
            let want = (limit - found.len()).min(100);
            let candidates = self.word_candidates(district, words, after.as_deref(), want).await?;
            more = candidates.more;
            let keys_wanted = candidates.found.iter().map(|(_, id)| keys::case(district, id)).collect::<Vec<_>>();
            let stored = if keys_wanted.is_empty() { Default::default() } else { self.batch_get(keys_wanted).await? };
            for (order, id) in candidates.found {
                after = Some(order.clone());
                let Some(item) = stored.get(&key_of(&keys::case(district, &id))) else { continue };
                let c: Case = from_item(item.clone())?;
                if case_order(&c) == order && case_matches(&c, words) && filter.admits(&c) {
                    found.push(c.summary(now));
                }
            }
        }
        let next_cursor = after
            .filter(|_| more)
            .map(|last| self.cursors.encode(scope, &super::Item::from([("after".to_owned(), s(last))])));
        Ok(Page { items: found, next_cursor })
    }

    pub async fn case(&self, district: &DistrictId, id: &CaseId) -> Result<Option<Case>, Error> {
        self.get(keys::case(district, id)).await?.map(from_item).transpose()
    }

    /// One case of the district, its history counted (and paged by `case_entries`); another
    /// district's case is not found.
    pub async fn case_detail(&self, district: &DistrictId, id: &CaseId, now: Timestamp) -> Result<CaseDetail, Error> {
        let case = self.case(district, id).await?.ok_or(Error::NotFound)?;
        Ok(CaseDetail::of(case, now))
    }
}

/// A case item: the case, its search words, and its place in the district's case-number order.
pub(crate) fn case_item(c: &Case) -> Result<super::Item, Error> {
    let mut item = super::to_item(c)?;
    item.extend(keys::case(&c.district_id, &c.id));
    item.insert("gsi1pk".into(), s(keys::cases_by_number_pk(&c.district_id)));
    item.insert("gsi1sk".into(), s(format!("{}#{}", c.header.case_number, c.id)));
    Ok(item)
}
