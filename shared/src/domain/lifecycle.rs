//! The lifecycle as rules: from the request, the caller and the time, whether an operation may happen
//! and what it records. The store then commits exactly that, with conditions that turn a lost race into
//! `transfer_not_pending`.

use super::assignment::Staffing;
use super::code::{AuthCode, SecretKey};
use super::decision::*;
use super::ids::*;
use super::model::*;
use super::transfer::*;
use crate::error::{Error, Result};
use std::collections::HashSet;

/// Visibility first (404 for anyone else), then the side (403 for the other party, saying which
/// side may).
pub fn require_side(t: &TransferRequest, actor: &Actor, side: Side) -> Result<()> {
    match t.side_of(&actor.district.id) {
        None => Err(Error::NotFound),
        Some(s) if s != side => Err(Error::WrongSide(side)),
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
    let expected: HashSet<&CaseId> = t.case_ids().collect();
    let mut seen = HashSet::new();
    for d in decisions {
        if !expected.contains(&d.source_case_id) {
            return Err(Error::DecisionsMismatch(format!("{} is not a case of this request", d.source_case_id)));
        }
        if !seen.insert(&d.source_case_id) {
            return Err(Error::DecisionsMismatch(format!("{} has more than one decision", d.source_case_id)));
        }
    }
    if seen.len() != expected.len() {
        return Err(Error::DecisionsMismatch(format!("{} of {} cases have a decision", seen.len(), expected.len())));
    }
    // An accept takes something (api.md v1.2): declining every case is a rejection.
    if decisions.iter().all(|d| d.link().is_none()) {
        return Err(Error::DecisionsMismatch("every case is declined; reject the request instead".into()));
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
pub fn validate_send(case_ids: &[CaseId], notes: Option<&str>) -> Result<()> {
    let mut problems = Vec::new();
    if case_ids.is_empty() || case_ids.len() > MAX_CASES_PER_TRANSFER {
        problems.push(crate::error::FieldError::new(
            "caseIds",
            format!("select between 1 and {MAX_CASES_PER_TRANSFER} cases"),
        ));
    }
    let mut seen = HashSet::new();
    if let Some(dup) = case_ids.iter().find(|id| !seen.insert(*id)) {
        problems.push(crate::error::FieldError::new("caseIds", format!("{dup} is listed twice")));
    }
    if let Some(problem) = notes.and_then(|n| free_text_problem("notes", n, MAX_NOTES_CHARS)) {
        problems.push(problem);
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
    match reason.and_then(|r| free_text_problem("reason", r, MAX_REASON_CHARS)) {
        Some(problem) => Err(Error::Validation(vec![problem])),
        None => Ok(()),
    }
}

/// Text a person typed (notes, a reason): at most `max` characters, and no control characters but
/// line breaks and tabs, which no keyboard sends and which would garble emails and screens.
pub fn free_text_problem(field: &str, text: &str, max: usize) -> Option<crate::error::FieldError> {
    if text.chars().count() > max {
        Some(crate::error::FieldError::new(field, format!("at most {max} characters")))
    } else if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        Some(crate::error::FieldError::new(field, "control characters are not allowed"))
    } else {
        None
    }
}

/// The cases a destination creates on accept, one per case it takes (declined ones create nothing),
/// numbered from its own sequence after `last_seq` in the request's order. `students` are the
/// destination's SIS students that the decisions link to.
pub fn plan_accept(
    t: &TransferRequest,
    destination: &District,
    decisions: &[Decision],
    students: &[Student],
    last_seq: u64,
    now: Timestamp,
) -> Result<Vec<super::case::Case>> {
    let missing: Vec<StudentId> = decisions
        .iter()
        .filter_map(|d| match d.link()? {
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
        let Some(link) = decision.link() else { continue };
        let mut header = snap.header.clone();
        header.case_number = format!("{year}-{:04}", last_seq + 1 + cases.len() as u64);
        let mut student_building = None;
        match link {
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
                    sis_id: Some(s.sis_id.clone()),
                };
                student_building = s.building.as_deref();
            }
            // The source's student id means nothing in the destination's SIS.
            CaseLink::TransferInfo => {
                header.person_of_concern.student_id = None;
                header.person_of_concern.sis_id = None;
            }
        }
        // The destination's own staff, never the sender's (kept below as provenance).
        let assign = decision.assignment().cloned().unwrap_or_default();
        header.set_staffing(assign.staffing(student_building));
        cases.push(super::case::Case {
            id: CaseId::accepted_from(&t.id, i + 1),
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
                link: link.clone(),
                source: Some(Staffing::of(&snap.header)),
            }),
            disclosures: vec![],
            own_entries: 0,
            inherited_history: snap.history.clone(),
        });
    }
    Ok(cases)
}
