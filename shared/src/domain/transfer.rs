//! The transfer request and its lifecycle: `pending` -> `accepted` | `rejected` | `cancelled` |
//! `expired`. Every function here decides, from the request, the caller and the time, whether an
//! operation may happen and what it records; the store then commits exactly that, with conditions
//! that turn a lost race into `transfer_not_pending`.

use super::case::{CreatedCase, SnapshotHeader};
use super::code::{AuthCode, CodeHash, SecretKey};
use super::model::*;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const MAX_CASES_PER_TRANSFER: usize = 25;
pub const MAX_NOTES_CHARS: usize = 2_000;
pub const MAX_REASON_CHARS: usize = 2_000;
pub const MAX_FAILED_ATTEMPTS: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    Pending,
    Accepted,
    Rejected,
    Cancelled,
    Expired,
}

impl TransferStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferStatus::Pending => "pending",
            TransferStatus::Accepted => "accepted",
            TransferStatus::Rejected => "rejected",
            TransferStatus::Cancelled => "cancelled",
            TransferStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Accepted, Self::Rejected, Self::Cancelled, Self::Expired]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

/// Which party of a transfer a district is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Source,
    Destination,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferRequest {
    pub id: String,
    pub status: TransferStatus,
    pub source: DistrictRef,
    pub destination: DistrictRef,
    pub cases: Vec<SnapshotHeader>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub created_at: Timestamp,
    pub created_by: UserRef,
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
}

/// The caller as the rules see them: a user, and the district they act for.
pub struct Actor<'a> {
    pub user: &'a User,
    pub district: &'a District,
}

impl Actor<'_> {
    pub fn event_actor(&self) -> EventActor {
        EventActor { id: self.user.id.clone(), name: self.user.name.clone(), district_id: self.district.id.clone() }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Created,
    CodeRegenerated,
    CodeFailed,
    CodeLocked,
    Verified,
    Accepted,
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

    pub fn side_of(&self, district_id: &str) -> Option<Side> {
        if self.source.id == district_id {
            Some(Side::Source)
        } else if self.destination.id == district_id {
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

    pub fn case_ids(&self) -> impl Iterator<Item = &str> {
        self.cases.iter().map(|c| c.source_case_id.as_str())
    }
}

/// Visibility first (404 for anyone else), then the side (403 for the other party).
pub fn require_side(t: &TransferRequest, actor: &Actor, side: Side) -> Result<()> {
    match t.side_of(&actor.district.id) {
        None => Err(Error::NotFound),
        Some(s) if s != side => Err(Error::Forbidden),
        Some(_) => Ok(()),
    }
}

fn require_pending(t: &TransferRequest, now: Timestamp) -> Result<()> {
    match t.status_at(now) {
        TransferStatus::Pending => Ok(()),
        TransferStatus::Expired => Err(Error::TransferExpired),
        s => Err(Error::TransferNotPending(s)),
    }
}

/// What a code attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeAttempt {
    Correct,
    Wrong {
        attempts_remaining: u32,
    },
    /// The attempt that used the last try: the request is locked from now on.
    WrongAndLocked,
}

impl CodeAttempt {
    pub fn event(self) -> EventType {
        match self {
            CodeAttempt::Correct => EventType::Verified,
            CodeAttempt::Wrong { .. } => EventType::CodeFailed,
            CodeAttempt::WrongAndLocked => EventType::CodeLocked,
        }
    }

    pub fn into_result(self) -> Result<()> {
        match self {
            CodeAttempt::Correct => Ok(()),
            CodeAttempt::Wrong { attempts_remaining } => Err(Error::InvalidAuthCode { attempts_remaining }),
            CodeAttempt::WrongAndLocked => Err(Error::InvalidAuthCode { attempts_remaining: 0 }),
        }
    }
}

/// Verify and accept: the destination, with transfers ON, on a pending, unlocked request.
pub fn check_code(
    t: &TransferRequest,
    actor: &Actor,
    key: &SecretKey,
    code: &AuthCode,
    now: Timestamp,
) -> Result<CodeAttempt> {
    require_side(t, actor, Side::Destination)?;
    if !actor.district.transfers_enabled {
        return Err(Error::TransfersDisabled);
    }
    require_pending(t, now)?;
    if t.locked() {
        return Err(Error::AuthCodeLocked);
    }
    if key.verify(code, &t.code) {
        return Ok(CodeAttempt::Correct);
    }
    let remaining = t.attempts_remaining().saturating_sub(1);
    Ok(if remaining == 0 { CodeAttempt::WrongAndLocked } else { CodeAttempt::Wrong { attempts_remaining: remaining } })
}

/// Exactly one decision for each case of the request, no more, no fewer, no repeats.
pub fn check_decisions(t: &TransferRequest, decisions: &[Decision]) -> Result<()> {
    let expected: HashSet<&str> = t.case_ids().collect();
    let mut seen = HashSet::new();
    for d in decisions {
        if !expected.contains(d.source_case_id.as_str()) {
            return Err(Error::DecisionsMismatch(format!("{} is not a case of this request", d.source_case_id)));
        }
        if !seen.insert(d.source_case_id.as_str()) {
            return Err(Error::DecisionsMismatch(format!("{} has more than one decision", d.source_case_id)));
        }
    }
    if seen.len() != expected.len() {
        return Err(Error::DecisionsMismatch(format!("{} of {} cases have a decision", seen.len(), expected.len())));
    }
    Ok(())
}

/// Reject: the destination, on a pending request; allowed with transfers OFF (it only ends a request).
pub fn check_reject(t: &TransferRequest, actor: &Actor, now: Timestamp) -> Result<()> {
    require_side(t, actor, Side::Destination)?;
    require_pending(t, now)
}

/// Cancel: the source, on a pending request; allowed with transfers OFF (`product.md`, the toggle).
pub fn check_cancel(t: &TransferRequest, actor: &Actor, now: Timestamp) -> Result<()> {
    require_side(t, actor, Side::Source)?;
    require_pending(t, now)
}

/// A new code: the source, on a pending request. It also lifts a lock.
pub fn check_regenerate(t: &TransferRequest, actor: &Actor, now: Timestamp) -> Result<()> {
    require_side(t, actor, Side::Source)?;
    require_pending(t, now)
}

/// The parts of a send that need no reads: how many cases, no repeats, the notes' length.
pub fn validate_send(case_ids: &[String], notes: Option<&str>) -> Result<()> {
    let mut problems = Vec::new();
    if case_ids.is_empty() || case_ids.len() > MAX_CASES_PER_TRANSFER {
        problems.push(crate::error::FieldError::new(
            "caseIds",
            format!("select between 1 and {MAX_CASES_PER_TRANSFER} cases"),
        ));
    }
    let mut seen = HashSet::new();
    if let Some(dup) = case_ids.iter().find(|id| !seen.insert(id.as_str())) {
        problems.push(crate::error::FieldError::new("caseIds", format!("{dup} is listed twice")));
    }
    if case_ids.iter().any(|id| id.is_empty() || id.len() > 128) {
        problems.push(crate::error::FieldError::new("caseIds", "ids are 1 to 128 characters"));
    }
    if notes.is_some_and(|n| n.chars().count() > MAX_NOTES_CHARS) {
        problems.push(crate::error::FieldError::new("notes", format!("at most {MAX_NOTES_CHARS} characters")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(problems))
    }
}

/// Sending needs the sender's toggle ON and a destination that is another district with its toggle ON.
pub fn check_send(actor: &Actor, destination: Option<&District>) -> Result<()> {
    if !actor.district.transfers_enabled {
        return Err(Error::TransfersDisabled);
    }
    match destination {
        Some(d) if d.transfers_enabled && d.id != actor.district.id => Ok(()),
        _ => Err(Error::DestinationUnavailable),
    }
}

pub fn check_reason(reason: Option<&str>) -> Result<()> {
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(Error::invalid("reason", format!("at most {MAX_REASON_CHARS} characters")));
    }
    Ok(())
}

/// The cases a destination creates on accept, numbered from its own sequence after `last_seq`.
/// `students` are the destination's SIS students that the decisions link to.
pub fn plan_accept(
    t: &TransferRequest,
    destination: &District,
    decisions: &[Decision],
    students: &[Student],
    last_seq: u64,
    now: Timestamp,
) -> Result<Vec<super::case::Case>> {
    let missing: Vec<String> = decisions
        .iter()
        .filter_map(|d| match &d.link {
            CaseLink::Sis { student_id }
                if !students.iter().any(|s| &s.id == student_id && s.district_id == destination.id) =>
            {
                Some(student_id.clone())
            }
            _ => None,
        })
        .collect();
    if !missing.is_empty() {
        return Err(Error::StudentNotFound(missing));
    }
    let year = now.0.format("%Y");
    let mut cases = Vec::with_capacity(t.cases.len());
    for (i, snap) in t.cases.iter().enumerate() {
        let decision = decisions
            .iter()
            .find(|d| d.source_case_id == snap.source_case_id)
            .ok_or_else(|| Error::DecisionsMismatch(format!("{} has no decision", snap.source_case_id)))?;
        let mut header = snap.header.clone();
        header.case_number = format!("{year}-{:04}", last_seq + 1 + i as u64);
        match &decision.link {
            CaseLink::Sis { student_id } => {
                let s = students
                    .iter()
                    .find(|s| &s.id == student_id)
                    .ok_or(Error::StudentNotFound(vec![student_id.clone()]))?;
                header.person_of_concern = PersonOfConcern {
                    first_name: s.first_name.clone(),
                    last_name: s.last_name.clone(),
                    date_of_birth: s.date_of_birth.clone(),
                    grade: s.grade.clone(),
                    student_id: Some(s.id.clone()),
                };
                if let Some(b) = &s.building {
                    header.building = b.clone();
                }
            }
            // The source's student id means nothing in the destination's SIS.
            CaseLink::TransferInfo => header.person_of_concern.student_id = None,
        }
        cases.push(super::case::Case {
            id: format!("{}-{:02}", t.id.replacen("t-", "c-", 1), i + 1),
            district_id: destination.id.clone(),
            header,
            pending_transfer: None,
            transferred_to: None,
            provenance: Some(Provenance {
                from_district: t.source.clone(),
                source_case_id: snap.source_case_id.clone(),
                source_case_number: snap.header.case_number.clone(),
                transfer_id: t.id.clone(),
                accepted_at: now,
                link: decision.link.clone(),
            }),
            disclosures: vec![],
        });
    }
    Ok(cases)
}
