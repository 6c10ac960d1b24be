//! Pagination cursors: the last key of a page, signed together with the query it belongs to, so a
//! cursor from another district or another query, or an edited one, is a 400 and never a page of
//! someone else's data.

use super::{s, Item};
use crate::domain::SecretKey;
use crate::error::Error;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct CursorKey(pub SecretKey);

impl CursorKey {
    pub fn encode(&self, scope: &str, last_key: &Item) -> String {
        let plain: BTreeMap<&str, &str> =
            last_key.iter().filter_map(|(k, v)| v.as_s().ok().map(|v| (k.as_str(), v.as_str()))).collect();
        let payload = serde_json::to_vec(&plain).unwrap_or_default();
        let tag = self.0.sign(&format!("cursor:{scope}"), &payload);
        format!("{}.{}", B64.encode(&payload), B64.encode(tag))
    }

    pub fn decode(&self, scope: &str, cursor: &str) -> Result<Item, Error> {
        let bad = || Error::invalid("cursor", "not a cursor for this query");
        let (payload, tag) = cursor.split_once('.').ok_or_else(bad)?;
        let payload = B64.decode(payload).map_err(|_| bad())?;
        let tag = B64.decode(tag).map_err(|_| bad())?;
        if !self.0.check(&format!("cursor:{scope}"), &payload, &tag) {
            return Err(bad());
        }
        let plain: BTreeMap<String, String> = serde_json::from_slice(&payload).map_err(|_| bad())?;
        Ok(plain.into_iter().map(|(k, v)| (k, s(v))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_only_works_for_its_own_scope_and_unedited() {
        let key = CursorKey(SecretKey::new("secret"));
        let last = Item::from([("pk".to_string(), s("DISTRICT#a")), ("sk".to_string(), s("CASE#c-1"))]);
        let cursor = key.encode("cases:a:", &last);
        assert_eq!(key.decode("cases:a:", &cursor).unwrap(), last);
        assert!(key.decode("cases:b:", &cursor).is_err());
        let forged = key.encode("cases:a:", &Item::from([("pk".to_string(), s("DISTRICT#b"))]));
        let (_, tag) = cursor.split_once('.').unwrap();
        let (payload, _) = forged.split_once('.').unwrap();
        assert!(key.decode("cases:a:", &format!("{payload}.{tag}")).is_err());
        assert!(key.decode("cases:a:", "garbage").is_err());
    }
}
