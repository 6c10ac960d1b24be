//! The transfer request, its events, and its transitions: `pending` -> `accepted` | `rejected` |
//! `cancelled` | `expired`. Whether a transition may happen is decided in `lifecycle`.

use super::case::{CreatedCase, SnapshotHeader};
use super::code::CodeHash;
use super::ids::*;
use super::model::*;
use serde::{Deserialize, Serialize};

pub const MAX_CASES_PER_TRANSFER: usize = 25;
pub const MAX_NOTES_CHARS: usize = 2_000;
pub const MAX_REASON_CHARS: usize = 2_000;
pub const MAX_FAILED_ATTEMPTS: u32 = 5;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TransferStatus {
    Pending,
    Accepted,
    Rejected,
    Cancelled,
    Expired,
}

impl TransferStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Which party of a transfer a district is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Source,
    Destination,
}

/// A request as its party sees it: outgoing for the source, incoming for the destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::EnumString, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Direction {
    Incoming,
    Outgoing,
}

impl From<Side> for Direction {
    fn from(side: Side) -> Direction {
        match side {
            Side::Source => Direction::Outgoing,
            Side::Destination => Direction::Incoming,
        }
    }
}

impl From<Direction> for Side {
    fn from(direction: Direction) -> Side {
        match direction {
            Direction::Outgoing => Side::Source,
            Direction::Incoming => Side::Destination,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferRequest {
    pub id: TransferId,
    pub status: TransferStatus,
    pub source: DistrictRef,
    pub destination: DistrictRef,
    pub cases: Vec<SnapshotHeader>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub created_at: Timestamp,
    pub created_by: UserRef,
    /// The sender's email and phone as they were at the send (absent on requests sent before).
    #[serde(default)]
    pub sender_contact: Contact,
    pub expires_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<UserRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub failed_attempts: u32,
    pub code: CodeHash,
    /// Bumped on every regeneration, so an attempt counted against an old code cannot land on a new one.
    #[serde(default)]
    pub code_version: u32,
    /// The destination has entered the right code at least once: it may now see the snapshots.
    #[serde(default)]
    pub revealed: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub created_cases: Vec<CreatedCase>,
    /// The records request this send fulfils (api.md v1.2), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_request_id: Option<RecordRequestId>,
}

/// The caller as the rules see them: a user, and the district they act for.
pub struct Actor<'a> {
    pub user: &'a User,
    pub district: &'a District,
}

impl Actor<'_> {
    pub fn event_actor(&self) -> EventActor {
        EventActor {
            id: self.user.id.to_string(),
            name: self.user.name.clone(),
            district_id: self.district.id.to_string(),
        }
    }
}

/// An audit event on a transfer: who did what, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub at: Timestamp,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub actor: EventActor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventActor {
    pub id: String,
    pub name: String,
    pub district_id: String,
}

impl EventActor {
    /// The scheduled sweeper, for events no person caused.
    pub fn system() -> Self {
        EventActor { id: "system".into(), name: "District Transfer Portal".into(), district_id: String::new() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EventType {
    Created,
    CodeRegenerated,
    CodeFailed,
    CodeLocked,
    Verified,
    Accepted,
    /// A case the destination declined on accept, back with its sender.
    Returned,
    Rejected,
    Cancelled,
    Expired,
}

impl TransferRequest {
    /// The status as a user sees it at `now`: a pending request past its expiry is expired even before
    /// the sweeper has written that down.
    pub fn status_at(&self, now: Timestamp) -> TransferStatus {
        match self.status {
            TransferStatus::Pending if now >= self.expires_at => TransferStatus::Expired,
            s => s,
        }
    }

    pub fn side_of(&self, district_id: &DistrictId) -> Option<Side> {
        if &self.source.id == district_id {
            Some(Side::Source)
        } else if &self.destination.id == district_id {
            Some(Side::Destination)
        } else {
            None
        }
    }

    pub fn locked(&self) -> bool {
        self.failed_attempts >= MAX_FAILED_ATTEMPTS
    }

    pub fn attempts_remaining(&self) -> u32 {
        MAX_FAILED_ATTEMPTS.saturating_sub(self.failed_attempts)
    }

    /// Snapshots are the source's own record; the destination sees them only once the code was entered.
    pub fn contents_visible_to(&self, side: Side) -> bool {
        side == Side::Source || self.revealed || self.status == TransferStatus::Accepted
    }

    pub fn case_ids(&self) -> impl Iterator<Item = &CaseId> {
        self.cases.iter().map(|c| &c.source_case_id)
    }

    /// The disclosure that the first right code records on each source case (FERPA 34 CFR 99.32):
    /// none once the contents were revealed, so it is recorded once.
    pub fn first_disclosure(&self, by: UserRef, now: Timestamp) -> Option<super::case::Disclosure> {
        (!self.revealed).then(|| super::case::Disclosure {
            at: now,
            to: self.destination.clone(),
            transfer_id: self.id.clone(),
            by,
        })
    }

    /// The request once rejected or cancelled: what the store commits, as the caller then sees it.
    pub fn ended(self, status: TransferStatus, by: UserRef, reason: Option<String>, at: Timestamp) -> Self {
        TransferRequest { status, decided_at: Some(at), decided_by: Some(by), reason, ..self }
    }

    /// The request once accepted: decided, revealed, with the cases it created and each case's outcome.
    pub fn accepted(
        self,
        by: UserRef,
        created_cases: Vec<CreatedCase>,
        decisions: &[super::decision::Decision],
        at: Timestamp,
    ) -> Self {
        let mut cases = self.cases.clone();
        for case in &mut cases {
            let decision = decisions.iter().find(|d| d.source_case_id == case.source_case_id);
            let declined = decision.and_then(|d| d.declined());
            case.outcome = Some(match declined {
                Some(_) => super::decision::CaseOutcome::Declined,
                None => super::decision::CaseOutcome::Accepted,
            });
            case.decline_reason = declined.map(str::to_owned);
        }
        TransferRequest {
            status: TransferStatus::Accepted,
            decided_at: Some(at),
            decided_by: Some(by),
            revealed: true,
            created_cases,
            cases,
            ..self
        }
    }

    /// How many cases the destination took and declined (an accepted request).
    pub fn outcome_counts(&self) -> (usize, usize) {
        let declined = self.cases.iter().filter(|c| c.outcome == Some(super::decision::CaseOutcome::Declined)).count();
        (self.cases.len() - declined, declined)
    }

    /// The request once the sweeper expired it.
    pub fn expired(self, at: Timestamp) -> Self {
        TransferRequest { status: TransferStatus::Expired, decided_at: Some(at), ..self }
    }

    /// The request with a new code: the old one dead, attempts reset, a lock lifted.
    pub fn with_new_code(self, code: CodeHash) -> Self {
        TransferRequest { code, code_version: self.code_version + 1, failed_attempts: 0, ..self }
    }

    /// The request once a right code revealed its contents to the destination.
    pub fn with_contents_revealed(self) -> Self {
        TransferRequest { revealed: true, ..self }
    }

    /// The district on the other side of `side`.
    pub fn party(&self, side: Side) -> &DistrictRef {
        match side {
            Side::Source => &self.source,
            Side::Destination => &self.destination,
        }
    }
}
