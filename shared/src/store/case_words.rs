//! The case search index: one small item per word of a case's search fields (`Case::search_words`),
//! so that a search reads the words that begin like the query's, not the district's cases
//! (`docs/data-model.md`, "Search").
//!
//! An item is keyed `DISTRICT#{d}#WORDS#{first letter}` / `{word}#{caseNumber}#{caseId}` and names its
//! case and its place in case-number order. Items are candidates, never the answer: every case found
//! is read and checked against the rule (`domain::search`) and its current case number, so a word item
//! left behind (an accept whose transaction was refused after its words were written, a re-import
//! racing a search) can never show a wrong case.

use super::keys::{self, SK};
use super::{batch::key_of, s, string_attr, Item, Store};
use crate::domain::{search, Case, CaseId, DistrictId};
use crate::error::Error;
use std::collections::{BTreeSet, HashSet};

/// A case's place in its district's case-number order: the same string as its gsi1 sort key, so a
/// search and the plain list order cases alike.
pub(crate) fn case_order(c: &Case) -> String {
    format!("{}#{}", c.header.case_number, c.id)
}

/// The word items of one case.
pub(crate) fn word_items(c: &Case) -> Vec<Item> {
    let order = case_order(c);
    Case::search_words(&c.header)
        .iter()
        .map(|word| {
            let mut item = keys::case_word(&c.district_id, word, &order);
            item.insert("caseId".into(), s(c.id.as_str()));
            item.insert("order".into(), s(order.as_str()));
            item
        })
        .collect()
}

/// Whether `c` matches every query word, by the rule itself.
pub(crate) fn case_matches(c: &Case, words: &[String]) -> bool {
    let text = search::search_text(&Case::search_words(&c.header));
    words.iter().all(|w| text.contains(&search::needle(w)))
}

/// What changes in the index when a case goes from `old` to `new`: the items to put (all of the new
/// case's, so that a write cut short is completed by the next) and the keys of those to delete.
pub(crate) fn word_changes(old: Option<&Case>, new: &Case) -> (Vec<Item>, Vec<Item>) {
    let puts = word_items(new);
    let keep: HashSet<_> = puts.iter().map(key_of).collect();
    let deletes = old
        .map(word_items)
        .unwrap_or_default()
        .iter()
        .filter(|item| !keep.contains(&key_of(item)))
        .map(|item| {
            keys::key(string_attr(item, keys::PK).unwrap_or_default(), string_attr(item, SK).unwrap_or_default())
        })
        .collect();
    (puts, deletes)
}

impl Store {
    /// The cases whose words begin with every query word, in case-number order after `after`: one
    /// Query per query word, all at once, each reading only the items of words that begin like it.
    pub(crate) async fn word_candidates(
        &self,
        district: &DistrictId,
        words: &[String],
        after: Option<&str>,
    ) -> Result<Vec<(String, CaseId)>, Error> {
        let reads = words.iter().map(|w| async move {
            let pk = keys::case_words_pk(district, w);
            let items = self
                .query_all(|| {
                    self.prefix_query(&pk, w)
                        .projection_expression("caseId, #order")
                        .expression_attribute_names("#order", "order")
                })
                .await?;
            let found: BTreeSet<(String, CaseId)> = items
                .iter()
                .filter_map(|i| {
                    let order = string_attr(i, "order")?;
                    let id = CaseId::parse(&string_attr(i, "caseId")?).ok()?;
                    Some((order, id))
                })
                .filter(|(order, _)| after.is_none_or(|a| order.as_str() > a))
                .collect();
            Ok::<_, Error>(found)
        });
        let mut sets = futures::future::try_join_all(reads).await?.into_iter();
        let Some(mut all) = sets.next() else { return Ok(Vec::new()) };
        for other in sets {
            all.retain(|c| other.contains(c));
        }
        Ok(all.into_iter().collect())
    }
}
