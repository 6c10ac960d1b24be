//! Typed ids. Every id the portal keys an item by has its own type, parsed once at the edge (a path,
//! a body, a token's claims, an import file) with the id rule of the contract: 1 to 128 characters of
//! ASCII letters, digits, `.`, `_`, `:` and `-`. After that a `CaseId` cannot be handed where a
//! `UserId` is wanted, and no id can carry the `#` that separates the parts of a DynamoDB key.
//!
//! Ids the portal makes itself are a kind prefix and a lower-case ULID (`t-01kbx…`): they sort by
//! creation time and cannot be guessed.

use rand::{rand_core::UnwrapErr, rngs::SysRng, RngExt};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

pub const MAX_ID_CHARS: usize = 128;

/// What the id rule says, for error messages. The offending value is never echoed: it may be huge or
/// hold control characters.
pub const ID_RULE: &str = "1 to 128 characters of ASCII letters, digits, '.', '_', ':' and '-'";

pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_ID_CHARS
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid id: {ID_RULE}")]
pub struct InvalidId;

/// A lower-case ULID from the operating system's CSPRNG, timed now.
pub(crate) fn ulid() -> String {
    let ms = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let random: u128 = UnwrapErr(SysRng).random();
    ulid::Ulid::from_parts(ms, random).to_string().to_lowercase()
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, InvalidId> {
                if is_valid_id(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(InvalidId)
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                Self::parse(s)
            }
        }

        /// Unit tests only: a literal id, checked like any other.
        #[cfg(test)]
        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s).expect("a valid id in a test")
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

typed_id!(
    /// A school district: the tenant. Every item that belongs to a district is keyed under it.
    DistrictId
);
typed_id!(
    /// A user, unique within their district only: two districts may both have a `u-admin`.
    UserId
);
typed_id!(
    /// A case, unique within its district only.
    CaseId
);
typed_id!(
    /// A student of a district's SIS, unique within that district only.
    StudentId
);
typed_id!(
    /// One entry of a case's history, unique within its case.
    EntryId
);
typed_id!(
    /// A transfer request; made by the portal, so unique across districts.
    TransferId
);
typed_id!(
    /// A records request (api.md v1.2); made by the portal, so unique across districts.
    RecordRequestId
);
typed_id!(
    /// An in-app notification, unique within its user's inbox.
    NotificationId
);
typed_id!(
    /// A state change waiting to be told (the outbox).
    OutboxId
);

impl TransferId {
    pub fn generate() -> Self {
        TransferId(format!("t-{}", ulid()))
    }

    /// The ULID part, which the ids derived from this transfer reuse.
    fn ulid_part(&self) -> &str {
        self.0.strip_prefix("t-").unwrap_or(&self.0)
    }
}

impl RecordRequestId {
    pub fn generate() -> Self {
        RecordRequestId(format!("rr-{}", ulid()))
    }

    /// The id of the request a district makes with an Idempotency-Key: derived from both, so that a
    /// retry names the same request and its `attribute_not_exists` condition stops a second one.
    pub fn for_key(district: &DistrictId, key: &str) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{}\n{key}", district.0).as_bytes());
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        RecordRequestId(format!("rr-k{hex}"))
    }
}

impl CaseId {
    /// The id of the `position`-th (from 1) case an accept of `transfer` creates. Derived, so a
    /// retried accept names the same case and its `attribute_not_exists` condition stops a second one.
    /// At most 2 + 123 + 3 characters: still an id.
    pub fn accepted_from(transfer: &TransferId, position: usize) -> Self {
        let base: String = transfer.ulid_part().chars().take(MAX_ID_CHARS - 6).collect();
        CaseId(format!("c-{base}-{position:02}"))
    }
}

impl EntryId {
    /// The history line that records a transfer's disclosure of a case (one per transfer).
    pub fn disclosure_of(transfer: &TransferId) -> Self {
        let base: String = transfer.ulid_part().chars().take(MAX_ID_CHARS - 11).collect();
        EntryId(format!("disclosure-{base}"))
    }
}

impl OutboxId {
    pub fn generate() -> Self {
        OutboxId(format!("ob-{}", ulid()))
    }
}

impl NotificationId {
    /// A user's notification of one outbox message: derived, so fanning out again writes the same
    /// item, and it begins with the message's ULID, so an inbox sorts by time.
    pub fn of(message: &OutboxId) -> Self {
        NotificationId(format!("n-{}", message.0.strip_prefix("ob-").unwrap_or(&message.0)))
    }
}

/// An audit event's own id (part of its sort key only).
pub fn event_suffix() -> String {
    format!("ev-{}", ulid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_rule_admits_the_contract_characters_only() {
        for good in ["c-1", "d.north_2:x", "A", &"x".repeat(128)] {
            assert!(CaseId::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "a#b", "é", "a b", "a/b", "a\u{0}", "a\nb", &"x".repeat(129), "a%2F"] {
            assert!(CaseId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ids_serialise_as_plain_strings_and_refuse_bad_ones_when_read() {
        let id: UserId = serde_json::from_str("\"u-admin\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"u-admin\"");
        let err = serde_json::from_str::<UserId>("\"u#admin\"").unwrap_err().to_string();
        assert!(err.contains("not a valid id") && !err.contains("u#admin"), "{err}");
    }

    #[test]
    fn derived_ids_are_ids() {
        let t = TransferId::generate();
        assert!(is_valid_id(t.as_str()));
        assert!(is_valid_id(CaseId::accepted_from(&t, 25).as_str()));
        let long = TransferId::parse(&"t".repeat(128)).unwrap();
        assert!(is_valid_id(CaseId::accepted_from(&long, 25).as_str()));
        let ob = OutboxId::generate();
        assert!(NotificationId::of(&ob).as_str().starts_with("n-"));
    }
}

typed_id!(
    /// A parent-notice task (api.md v1.2), unique within its district.
    ParentNoticeId
);

impl ParentNoticeId {
    /// Derived from what the task is about (its side, the transfer and the case it names), so that
    /// the deliverer, told the same message twice, names the same task and creates it once.
    pub fn derive(side: &str, transfer: &TransferId, case: &CaseId) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{side}\n{}\n{}", transfer.0, case.0).as_bytes());
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        ParentNoticeId(format!("pn-{hex}"))
    }
}

impl UserId {
    /// A new user's id when the administrator gives none.
    pub fn generate() -> Self {
        UserId(format!("u-{}", ulid()))
    }
}
