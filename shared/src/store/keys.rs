//! Key construction: the only place that knows how keys are spelled (`docs/data-model.md`).
//!
//! Every function takes typed ids, and every key of an item that belongs to a district takes the
//! district: a key cannot be built from the wrong kind of id, nor without its district. Ids cannot
//! contain `#` (the id rule), so no id can reach into another key's space.

use super::{s, Item};
use crate::domain::*;

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI2: &str = "gsi2";
pub const GSI3: &str = "gsi3";

pub(crate) fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    Item::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

// The district partition: profile, users, SIS students and cases (the caller check is one BatchGetItem).

pub fn district_pk(district: &DistrictId) -> String {
    format!("DISTRICT#{district}")
}

pub fn district(district: &DistrictId) -> Item {
    key(district_pk(district), "PROFILE")
}

/// The district's calendar (`store::settings`).
pub fn calendar(district: &DistrictId) -> Item {
    key(district_pk(district), "CALENDAR")
}

pub fn user(district: &DistrictId, user: &UserId) -> Item {
    key(district_pk(district), format!("USER#{user}"))
}

pub fn student(district: &DistrictId, student: &StudentId) -> Item {
    key(district_pk(district), format!("STUDENT#{student}"))
}

pub fn case(district: &DistrictId, case: &CaseId) -> Item {
    key(district_pk(district), format!("CASE#{case}"))
}

/// A staff value the district's cases use (`store::case_values`): `field` is the contract's name.
pub fn case_value(district: &DistrictId, field: &str, folded: &str) -> Item {
    key(district_pk(district), format!("{}{folded}", case_value_prefix(field)))
}

pub fn case_value_prefix(field: &str) -> String {
    format!("VALUE#{field}#")
}

/// The search index of a district's cases (`store::case_words`): one partition per word prefix, its
/// cases in case-number order.
pub fn case_prefix_pk(district: &DistrictId, prefix: &str) -> String {
    format!("DISTRICT#{district}#PREFIX#{prefix}")
}

pub fn case_prefix(district: &DistrictId, prefix: &str, order: &str) -> Item {
    key(case_prefix_pk(district, prefix), order)
}

// A case's history: its own partition under the district, so case search never reads it.

pub fn entries_pk(district: &DistrictId, case: &CaseId) -> String {
    format!("DISTRICT#{district}#CASE#{case}")
}

pub fn entry(district: &DistrictId, case: &CaseId, at: Timestamp, entry: &EntryId) -> Item {
    key(entries_pk(district, case), format!("ENTRY#{at}#{entry}"))
}

/// A row of a case's record of disclosures (`store::disclosures`), beside its history: what the
/// case's page reads costs what the case holds, not what the district does.
pub fn access(district: &DistrictId, case: &CaseId, at: Timestamp, transfer: &TransferId, kind: &str) -> Item {
    key(entries_pk(district, case), format!("{ACCESS_PREFIX}{at}#{transfer}#{kind}"))
}

pub const ACCESS_PREFIX: &str = "ACCESS#";

/// gsi1 of a row of the record of disclosures: the district's, by time (the export).
pub fn disclosures_pk(district: &DistrictId) -> String {
    format!("DISCLOSURES#{district}")
}

/// A parent-notice task (`store::parent_notices`).
pub fn parent_notice(district: &DistrictId, id: &ParentNoticeId) -> Item {
    key(district_pk(district), format!("NOTICE#{id}"))
}

/// gsi2 of a parent-notice task: the district's tasks of one status, by time.
pub fn parent_notices_pk(district: &DistrictId, status: &str) -> String {
    format!("NOTICES#{district}#{status}")
}

/// An event of the district's own audit trail, by time (`suffix` a ULID: unique within the millisecond).
pub fn district_audit(district: &DistrictId, at: Timestamp, suffix: &str) -> Item {
    key(district_pk(district), format!("AUDIT#{at}#{suffix}"))
}

// A user's in-app inbox, under the district: user ids are unique within a district only.

pub fn inbox_pk(district: &DistrictId, user: &UserId) -> String {
    format!("DISTRICT#{district}#INBOX#{user}")
}

/// Notification ids begin with their outbox message's ULID, so the sort key orders them by time.
pub fn notification(district: &DistrictId, user: &UserId, id: &NotificationId) -> Item {
    key(inbox_pk(district, user), format!("NOTE#{id}"))
}

// Items of a transfer request: reached only after its two districts are checked against the caller.

pub fn transfer_pk(transfer: &TransferId) -> String {
    format!("TRANSFER#{transfer}")
}

pub fn transfer(transfer: &TransferId) -> Item {
    key(transfer_pk(transfer), "META")
}

pub const EVENT_PREFIX: &str = "EVENT#";

// A records request: reached only after its two districts are checked against the caller.

pub fn record_request_pk(id: &RecordRequestId) -> String {
    format!("RECORDREQ#{id}")
}

pub fn record_request(id: &RecordRequestId) -> Item {
    key(record_request_pk(id), "META")
}

pub fn record_request_event(id: &RecordRequestId, at: Timestamp, suffix: &str) -> Item {
    key(record_request_pk(id), format!("{EVENT_PREFIX}{at}#{suffix}"))
}

/// gsi1 of a records request: the requesting district's, newest first.
pub fn requests_out_pk(district: &DistrictId) -> String {
    format!("ROUT#{district}")
}

/// gsi2 of a records request: the recipient's, newest first.
pub fn requests_in_pk(district: &DistrictId) -> String {
    format!("RIN#{district}")
}

pub fn event(transfer: &TransferId, at: Timestamp, suffix: &str) -> Item {
    key(transfer_pk(transfer), format!("{EVENT_PREFIX}{at}#{suffix}"))
}

/// Per sending district: one district's key never answers another's send.
pub fn idempotency(district: &DistrictId, key_value: &str) -> Item {
    key(format!("IDEMPOTENCY#{district}#{key_value}"), "IDEMPOTENCY")
}

/// The outbox: a state change of a transfer, waiting to be told to the people of its two districts.
pub fn outbox(id: &OutboxId) -> Item {
    key(format!("OUTBOX#{id}"), "OUTBOX")
}

pub fn mail(outbox: &OutboxId, to: &str) -> Item {
    key(format!("OUTBOX#{outbox}"), format!("MAIL#{to}"))
}

// Index partitions.
pub const DIRECTORY_ON: &str = "DIRECTORY#ON";
pub const DIRECTORY_ALL: &str = "DIRECTORY#ALL";
pub const PENDING_TRANSFERS: &str = "PENDING";
pub const OUTBOX_DUE: &str = "OUTBOX";
/// gsi3 of an open records request with a reminder still to send, in due-time order.
pub const REMINDERS_DUE: &str = "RDUE";

pub fn outgoing_pk(district: &DistrictId) -> String {
    format!("OUT#{district}")
}

pub fn incoming_pk(district: &DistrictId) -> String {
    format!("IN#{district}")
}

/// gsi1 of a user: finds every user with this id, whatever their district (`portal token` only).
pub fn user_lookup_pk(user: &UserId) -> String {
    format!("USER#{user}")
}

/// gsi1 of a case: the district's cases in case-number order, for search.
pub fn cases_by_number_pk(district: &DistrictId) -> String {
    format!("CASES#{district}")
}

/// gsi1 of a student: the district's SIS students by last and first name, for search.
pub fn students_by_name_pk(district: &DistrictId) -> String {
    format!("STUDENTS#{district}")
}
