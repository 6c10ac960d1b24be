//! Key construction: the only place that knows how keys are spelled.

use super::{s, Item};
use crate::domain::Timestamp;

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI2: &str = "gsi2";
pub const GSI3: &str = "gsi3";

pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    Item::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

pub fn district_pk(district: &str) -> String {
    format!("DISTRICT#{district}")
}

pub fn district(district: &str) -> Item {
    key(district_pk(district), "PROFILE")
}

pub fn user(district: &str, user: &str) -> Item {
    key(district_pk(district), format!("USER#{user}"))
}

pub fn student(district: &str, student: &str) -> Item {
    key(district_pk(district), format!("STUDENT#{student}"))
}

pub fn case(district: &str, case: &str) -> Item {
    key(district_pk(district), format!("CASE#{case}"))
}

pub fn entries_pk(case: &str) -> String {
    format!("CASE#{case}")
}

pub fn entry(case: &str, at: Timestamp, entry: &str) -> Item {
    key(entries_pk(case), format!("ENTRY#{at}#{entry}"))
}

pub fn transfer_pk(transfer: &str) -> String {
    format!("TRANSFER#{transfer}")
}

pub fn transfer(transfer: &str) -> Item {
    key(transfer_pk(transfer), "META")
}

pub fn snapshot_prefix(source_case: &str) -> String {
    format!("SNAP#{source_case}#")
}

pub fn snapshot_chunk(transfer: &str, source_case: &str, chunk: usize) -> Item {
    key(transfer_pk(transfer), format!("{}{chunk:04}", snapshot_prefix(source_case)))
}

pub fn event(transfer: &str, at: Timestamp, id: &str) -> Item {
    key(transfer_pk(transfer), format!("EVENT#{at}#{id}"))
}

pub fn idempotency(district: &str, key_value: &str) -> Item {
    key(format!("IDEMPOTENCY#{district}#{key_value}"), "IDEMPOTENCY")
}

pub fn inbox_pk(user: &str) -> String {
    format!("INBOX#{user}")
}

/// Notification ids begin with their outbox message's ULID, so the sort key orders them by time.
pub fn notification(user: &str, id: &str) -> Item {
    key(inbox_pk(user), format!("NOTE#{id}"))
}

pub fn outbox(id: &str) -> Item {
    key(format!("OUTBOX#{id}"), "OUTBOX")
}

// Index partitions.
pub const DIRECTORY_ON: &str = "DIRECTORY#ON";
pub const PENDING_TRANSFERS: &str = "PENDING";
pub const OUTBOX_DUE: &str = "OUTBOX";

pub fn outgoing_pk(district: &str) -> String {
    format!("OUT#{district}")
}

pub fn incoming_pk(district: &str) -> String {
    format!("IN#{district}")
}

pub fn user_lookup_pk(user: &str) -> String {
    format!("USER#{user}")
}
