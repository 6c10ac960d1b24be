//! The `Transfer` shape of `api.md`, relative to the caller.

use crate::domain::{
    AuditEvent, CaseHeader, CaseId, Contact, CreatedCase, Direction, DistrictRef, Side, SnapshotHeader, Timestamp,
    TransferRequest, TransferStatus, UserRef,
};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferView {
    pub id: crate::domain::TransferId,
    pub status: TransferStatus,
    pub direction: Direction,
    pub source_district: DistrictRef,
    pub destination_district: DistrictRef,
    pub case_count: usize,
    pub notes: Option<String>,
    pub created_at: Timestamp,
    pub created_by: Sender,
    pub expires_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<UserRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub attempts_remaining: u32,
    pub locked: bool,
    /// Which cases, for telling requests apart in a list: the source always, the destination once a
    /// right code was entered (like `cases`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_numbers: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persons: Option<Vec<PersonName>>,
    /// The cases as frozen, each with its `entryCount` (the history is paged by its own route).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cases: Option<Vec<FrozenCase>>,
    /// Newest first, at most 50; `eventsNextCursor` pages the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<AuditEvent>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events_next_cursor: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub created_cases: Vec<CreatedCase>,
    /// The records request this transfer answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_request_id: Option<crate::domain::RecordRequestId>,
}

/// A person of concern's name, as a list row shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonName {
    pub first_name: String,
    pub last_name: String,
}

/// Who sent a request, and how to reach them: the destination calls about the code (api.md v1.2).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sender {
    pub id: crate::domain::UserId,
    pub name: String,
    #[serde(flatten)]
    pub contact: Contact,
}

/// A frozen case as the API shows it: where its history is stored is the portal's business.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrozenCase {
    pub source_case_id: CaseId,
    #[serde(flatten)]
    pub header: CaseHeader,
    pub entry_count: u64,
    /// Once accepted: taken or declined, and why declined (api.md v1.2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<crate::domain::CaseOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
}

impl From<&SnapshotHeader> for FrozenCase {
    fn from(s: &SnapshotHeader) -> Self {
        FrozenCase {
            source_case_id: s.source_case_id.clone(),
            header: s.header.clone(),
            entry_count: s.entry_count(),
            outcome: s.outcome,
            decline_reason: s.decline_reason.clone(),
        }
    }
}

impl TransferView {
    pub fn new(t: &TransferRequest, side: Side, now: Timestamp) -> Self {
        let status = t.status_at(now);
        TransferView {
            id: t.id.clone(),
            status,
            direction: side.into(),
            source_district: t.source.clone(),
            destination_district: t.destination.clone(),
            case_count: t.cases.len(),
            notes: t.notes.clone(),
            created_at: t.created_at,
            created_by: Sender {
                id: t.created_by.id.clone(),
                name: t.created_by.name.clone(),
                contact: t.sender_contact.clone(),
            },
            expires_at: t.expires_at,
            decided_at: t.decided_at,
            decided_by: t.decided_by.clone(),
            reason: t.reason.clone(),
            attempts_remaining: t.attempts_remaining(),
            locked: t.locked() && status == TransferStatus::Pending,
            case_numbers: t
                .contents_visible_to(side)
                .then(|| t.cases.iter().map(|c| c.header.case_number.clone()).collect()),
            persons: t.contents_visible_to(side).then(|| {
                t.cases
                    .iter()
                    .map(|c| PersonName {
                        first_name: c.header.person_of_concern.first_name.clone(),
                        last_name: c.header.person_of_concern.last_name.clone(),
                    })
                    .collect()
            }),
            cases: None,
            events: None,
            events_next_cursor: None,
            created_cases: t.created_cases.clone(),
            record_request_id: t.record_request_id.clone(),
        }
    }

    /// Adds the frozen cases, but only where this side may see them.
    pub fn with_cases(mut self, t: &TransferRequest, side: Side) -> Self {
        if t.contents_visible_to(side) {
            self.cases = Some(t.cases.iter().map(FrozenCase::from).collect());
        }
        self
    }
}
