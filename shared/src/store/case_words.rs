//! The case search index: for every prefix (up to `PREFIX_CAP` letters) of every word of a case's
//! search fields (`Case::search_words`), one small item in the partition of that prefix, sorted by
//! case number. A query word is then one Query on its own prefix's partition, already in case-number
//! order, so the first page costs the same whatever the number of matches or the district's size
//! (`docs/data-model.md`, "Search").
//!
//! Items are candidates, never the answer: every case found is read and checked against the rule
//! (`domain::search`) and its current case number, so an item left behind (an accept whose
//! transaction was refused after its items were written, a re-import racing a search) can never show
//! a wrong case.

use super::keys::{self, PK, SK};
use super::{batch::key_of, s, string_attr, Item, Store};
use crate::domain::{search, Case, CaseId, DistrictId};
use crate::error::Error;
use std::collections::{BTreeSet, HashSet};

/// Longer prefixes are not indexed: a longer query word reads the partition of its first
/// `PREFIX_CAP` letters, filtered on the whole word. Six letters keep a case near 50 items while a
/// six-letter prefix of a name is already rare.
const PREFIX_CAP: usize = 6;

/// The most items one filtered Query reads (about 1 MB of index items, DynamoDB's page anyway).
const MAX_READ: usize = 4_000;

/// A case's place in its district's case-number order: the same string as its gsi1 sort key, so a
/// search and the plain list order cases alike.
pub(crate) fn case_order(c: &Case) -> String {
    format!("{}#{}", c.header.case_number, c.id)
}

fn prefix(word: &str) -> String {
    word.chars().take(PREFIX_CAP).collect()
}

/// The index items of one case: one per distinct prefix of its words.
pub(crate) fn word_items(c: &Case) -> Vec<Item> {
    let order = case_order(c);
    let words = Case::search_words(&c.header);
    let text = search::search_text(&words);
    let prefixes: BTreeSet<String> = words
        .iter()
        .flat_map(|w| (1..=w.chars().count().min(PREFIX_CAP)).map(move |n| w.chars().take(n).collect::<String>()))
        .collect();
    prefixes
        .iter()
        .map(|p| {
            let mut item = keys::case_prefix(&c.district_id, p, &order);
            item.insert("caseId".into(), s(c.id.as_str()));
            item.insert("searchText".into(), s(text.as_str()));
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
    let mut puts = word_items(new);
    let keep: HashSet<_> = puts.iter().map(key_of).collect();
    // Staff values are the district's, not the case's: put, never deleted (`store::case_values`).
    puts.extend(super::case_values::value_items(new));
    let deletes = old
        .map(word_items)
        .unwrap_or_default()
        .iter()
        .filter(|item| !keep.contains(&key_of(item)))
        .map(|item| keys::key(string_attr(item, PK).unwrap_or_default(), string_attr(item, SK).unwrap_or_default()))
        .collect();
    (puts, deletes)
}

/// Cases the index proposes, in case-number order, and whether there may be more after them.
pub(crate) struct Candidates {
    pub found: Vec<(String, CaseId)>,
    pub more: bool,
}

impl Store {
    /// Up to `want` cases after `after` whose words begin with every query word: a Query on the
    /// partition of the longest query word's prefix, filtered on the other words (and on the whole
    /// word when it is longer than the prefix). Unfiltered, it reads exactly `want` items.
    pub(crate) async fn word_candidates(
        &self,
        district: &DistrictId,
        words: &[String],
        after: Option<&str>,
        want: usize,
    ) -> Result<Candidates, Error> {
        let Some(driver) = words.iter().max_by_key(|w| w.chars().count()) else {
            return Ok(Candidates { found: vec![], more: false });
        };
        let pk = keys::case_prefix_pk(district, &prefix(driver));
        let filtered: Vec<&String> = words.iter().filter(|w| *w != driver || w.chars().count() > PREFIX_CAP).collect();
        let mut start = after.map(|a| keys::case_prefix(district, &prefix(driver), a));
        let mut found = Vec::new();
        // Filtered, DynamoDB's `Limit` counts items read, not matched: read twice the page first (most
        // items of a prefix's partition usually match its longer word), then double while matches are
        // sparse, so a page costs a few calls whether the partition holds 50 cases or 50,000.
        let mut read = (want * 2).max(50);
        loop {
            let mut q = self
                .db
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(pk.as_str()))
                .projection_expression("sk, caseId")
                .set_exclusive_start_key(start.take());
            if filtered.is_empty() {
                q = q.limit((want - found.len()).max(1) as i32);
            } else {
                q = q.limit(read.min(MAX_READ) as i32);
                read *= 2;
                let tests: Vec<String> = (0..filtered.len()).map(|i| format!("contains(searchText, :w{i})")).collect();
                q = q.filter_expression(tests.join(" AND "));
                for (i, w) in filtered.iter().enumerate() {
                    q = q.expression_attribute_values(format!(":w{i}"), s(search::needle(w)));
                }
            }
            let out = q.send().await?;
            for item in out.items.unwrap_or_default() {
                if found.len() == want {
                    return Ok(Candidates { found, more: true });
                }
                let (Some(order), Some(id)) = (string_attr(&item, SK), string_attr(&item, "caseId")) else { continue };
                if let Ok(id) = CaseId::parse(&id) {
                    found.push((order, id));
                }
            }
            match out.last_evaluated_key {
                Some(next) if found.len() < want => start = Some(next),
                Some(_) => return Ok(Candidates { found, more: true }),
                None => return Ok(Candidates { found, more: false }),
            }
        }
    }
}
