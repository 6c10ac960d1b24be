//! The values a district's cases use for their staff (building, team, team leader, case manager), for
//! choosing when a destination assigns its own on accept (api.md v1.2, `GET /v1/case-values`). One
//! small item per distinct value under the district's key, written with the case's search words (on
//! import and on accept), so a read costs the district's distinct values, never its cases. A value is
//! kept once used: a building that no case names any more is still a building of the district.

use super::keys;
use super::{s, Item, Store};
use crate::domain::{search, Case, DistrictId, StaffField, Staffing};
use crate::error::Error;
use serde::Deserialize;
use strum::IntoEnumIterator;

/// At most this many values in an answer.
pub const MAX_VALUES: usize = 100;
/// Sort keys stay far below DynamoDB's 1,024 bytes whatever the value (import allows 500 characters).
const KEY_CHARS: usize = 200;

/// One item per staff value of `c` (none for an unassigned field).
pub(crate) fn value_items(c: &Case) -> Vec<Item> {
    let staffing = Staffing::of(&c.header);
    StaffField::iter()
        .filter_map(|field| {
            let value = field.of(&staffing).trim();
            if value.is_empty() {
                return None;
            }
            let folded: String = search::fold(value).chars().take(KEY_CHARS).collect();
            let mut item = keys::case_value(&c.district_id, field.name(), &folded);
            item.insert("value".into(), s(value));
            Some(item)
        })
        .collect()
}

#[derive(Deserialize)]
struct Value {
    value: String,
}

impl Store {
    /// The district's distinct values of `field`, those matching `q` by the search rule (a word's start
    /// is enough), alphabetically, at most `MAX_VALUES`.
    pub async fn case_values(
        &self,
        district: &DistrictId,
        field: StaffField,
        q: Option<&str>,
    ) -> Result<Vec<String>, Error> {
        let all: Vec<Value> =
            self.all_under(&keys::district_pk(district), &keys::case_value_prefix(field.name())).await?;
        let mut values: Vec<String> =
            all.into_iter().map(|v| v.value).filter(|v| q.is_none_or(|q| search::matches(q, &[v.as_str()]))).collect();
        values.sort_by_key(|v| search::fold(v));
        values.truncate(MAX_VALUES);
        Ok(values)
    }
}
