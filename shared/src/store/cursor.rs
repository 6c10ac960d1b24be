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

/// The query a cursor belongs to: its kind and its parts (district, case, filters), as a list. It is
/// signed as a JSON array, never as the parts joined: ids may contain `:`, and `d-north:east` + `c-1`
/// must not sign like `d-north` + `east:c-1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope(Vec<String>);

impl Scope {
    pub fn new(kind: &str) -> Self {
        Scope(vec![kind.to_owned()])
    }

    pub fn with(mut self, part: impl std::fmt::Display) -> Self {
        self.0.push(part.to_string());
        self
    }

    /// The scope, then the payload: the JSON array ends where it ends, so the two cannot run together.
    fn signed(&self, payload: &[u8]) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(&self.0).unwrap_or_default();
        bytes.extend_from_slice(payload);
        bytes
    }
}

impl CursorKey {
    pub fn encode(&self, scope: &Scope, last_key: &Item) -> String {
        let plain: BTreeMap<&str, &str> =
            last_key.iter().filter_map(|(k, v)| v.as_s().ok().map(|v| (k.as_str(), v.as_str()))).collect();
        let payload = serde_json::to_vec(&plain).unwrap_or_default();
        let tag = self.0.sign("cursor", &scope.signed(&payload));
        format!("{}.{}", B64.encode(&payload), B64.encode(tag))
    }

    pub fn decode(&self, scope: &Scope, cursor: &str) -> Result<Item, Error> {
        let bad = || Error::invalid("cursor", "not a cursor for this query");
        let (payload, tag) = cursor.split_once('.').ok_or_else(bad)?;
        let payload = B64.decode(payload).map_err(|_| bad())?;
        let tag = B64.decode(tag).map_err(|_| bad())?;
        if !self.0.check("cursor", &scope.signed(&payload), &tag) {
            return Err(bad());
        }
        let plain: BTreeMap<String, String> = serde_json::from_slice(&payload).map_err(|_| bad())?;
        Ok(plain.into_iter().map(|(k, v)| (k, s(v))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CursorKey {
        CursorKey(SecretKey::new("secret"))
    }

    #[test]
    fn a_cursor_only_works_for_its_own_scope_and_unedited() {
        let key = key();
        let scope = Scope::new("cases").with("a").with("");
        let last = Item::from([("pk".to_string(), s("DISTRICT#a")), ("sk".to_string(), s("CASE#c-1"))]);
        let cursor = key.encode(&scope, &last);
        assert_eq!(key.decode(&scope, &cursor).unwrap(), last);
        assert!(key.decode(&Scope::new("cases").with("b").with(""), &cursor).is_err());
        let forged = key.encode(&scope, &Item::from([("pk".to_string(), s("DISTRICT#b"))]));
        let (_, tag) = cursor.split_once('.').unwrap();
        let (payload, _) = forged.split_once('.').unwrap();
        assert!(key.decode(&scope, &format!("{payload}.{tag}")).is_err());
        assert!(key.decode(&scope, "garbage").is_err());
    }

    #[test]
    fn scopes_whose_parts_join_alike_do_not_share_cursors() {
        let key = key();
        let last = Item::from([("sk".to_string(), s("ENTRY#1"))]);
        let pairs = [
            (("d-north:east", "c-1"), ("d-north", "east:c-1")),
            (("a", "b:c"), ("a:b", "c")),
            (("a\"", "b"), ("a", "\"b")),
            (("a", ""), ("", "a")),
        ];
        for ((d1, c1), (d2, c2)) in pairs {
            let one = Scope::new("entries").with(d1).with(c1);
            let other = Scope::new("entries").with(d2).with(c2);
            let cursor = key.encode(&one, &last);
            assert!(key.decode(&one, &cursor).is_ok());
            assert!(key.decode(&other, &cursor).is_err(), "{d1}+{c1} signed like {d2}+{c2}");
        }
    }
}
