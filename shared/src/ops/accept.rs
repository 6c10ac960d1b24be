//! `POST /v1/transfers/{id}/verify` (enter the code, see the cases) and
//! `POST /v1/transfers/{id}/accept` (the code and a decision per case: the cases move).

use super::decide::{load, lost_race, outbox, settle, Loaded, Try};
use super::TransferView;
use crate::domain::notification::OutboxMessage;
use crate::domain::{
    check_code, check_decisions, plan_accept, AuditEvent, AuthCode, CaseLink, CodeAttempt, CreatedCase, Decision,
    EventType, Side, Student, TransferRequest,
};
use crate::error::Error;
use crate::http::{ok, parse_json, Caller};
use crate::store::transfers::Acceptance;
use crate::store::{Action, Attempt, Wanted};
use crate::App;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerifyBody {
    auth_code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AcceptBody {
    auth_code: String,
    decisions: Vec<Decision>,
}

/// What a person may type as a code: letters and digits, with spaces or dashes between groups. Any
/// other input is refused before it can count as a wrong attempt.
fn code_input(raw: &str) -> Result<AuthCode, Error> {
    let plausible = raw.chars().any(|c| c.is_ascii_alphanumeric())
        && raw.chars().count() <= 64
        && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ');
    if !plausible {
        return Err(Error::invalid("authCode", "enter the code the sending district gave you"));
    }
    Ok(AuthCode::from_input(raw))
}

/// Checks the code and records the attempt. A wrong code is counted (and may lock the request) before
/// the error is returned; a right one is only recorded when `record_success` (verify), since accept
/// records its own event in its transaction.
async fn attempt(
    app: &App,
    caller: &Caller,
    t: TransferRequest,
    code: &AuthCode,
    record_success: bool,
) -> Result<TransferRequest, Error> {
    settle(app, t, |t| async move {
        let now = app.clock.now();
        let result = check_code(&t, &caller.actor(), &app.config.secret, code, now)?;
        if result == CodeAttempt::Correct && !record_success {
            return Ok(Try::Done(t));
        }
        let detail = match result {
            CodeAttempt::Wrong { attempts_remaining } => Some(format!("{attempts_remaining} attempt(s) remain")),
            _ => None,
        };
        let actor = caller.actor().event_actor();
        let event = AuditEvent { at: now, kind: result.event(), actor: actor.clone(), detail };
        let disclosure = t.first_disclosure(caller.user.as_ref(), now);
        // A lock is told to both sides; a first reveal is told to the deliverer (parent notices).
        let message = match (result, &disclosure) {
            (CodeAttempt::WrongAndLocked, _) => Some(outbox(EventType::CodeLocked, &t, actor, now)),
            (CodeAttempt::Correct, Some(_)) => {
                Some(OutboxMessage { revealed: true, ..outbox(EventType::Verified, &t, actor, now) })
            }
            _ => None,
        };
        let recorded = match (result, &disclosure) {
            (CodeAttempt::Correct, Some(d)) => Attempt::FirstRight(d),
            (CodeAttempt::Correct, None) => Attempt::Right,
            _ => Attempt::Wrong,
        };
        match app.store.record_attempt(&t, caller.acting(), recorded, &event, message.as_ref(), now).await {
            Ok(()) => {
                if result == CodeAttempt::WrongAndLocked {
                    tracing::warn!("transfer locked after failed code attempts");
                }
                if let Some(m) = message.as_ref().filter(|m| m.revealed) {
                    super::parent_notices::make_tasks_with_the_change(app, m, &t, &caller.district.district).await;
                }
                result.into_result()?;
                Ok(Try::Done(t.with_contents_revealed()))
            }
            Err(failure) => lost_race(failure),
        }
    })
    .await
}

pub(crate) async fn verify(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let body: VerifyBody = parse_json(req)?;
    let code = code_input(&body.auth_code)?;
    let Loaded { caller, transfer, .. } = load(app, req, Wanted::default()).await?;
    let t = attempt(app, &caller, transfer, &code, true).await?;
    let now = app.clock.now();
    ok(&TransferView::new(&t, Side::Destination, now).with_cases(&t, Side::Destination))
}

/// What people typed into the decisions: a decline's reason (what the sender reads, 1 to 2,000
/// characters of text) and the assigned staff (short single lines).
fn decision_texts(decisions: &[Decision]) -> Result<(), Error> {
    let mut problems = Vec::new();
    for (i, d) in decisions.iter().enumerate() {
        if let Some(assign) = d.assignment() {
            problems.extend(assign.problems(&format!("decisions[{i}].assign")));
        }
        let Some(reason) = d.declined() else { continue };
        let field = format!("decisions[{i}].decline.reason");
        if reason.trim().is_empty() {
            problems.push(crate::error::FieldError::new(field, "give the reason the case is declined"));
        } else if let Some(p) = crate::domain::free_text_problem(&field, reason, crate::domain::MAX_REASON_CHARS) {
            problems.push(p);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Validation(problems))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Accepted {
    transfer: TransferView,
    created_cases: Vec<crate::domain::CreatedCase>,
}

pub(crate) async fn accept(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let body: AcceptBody = parse_json(req)?;
    let code = code_input(&body.auth_code)?;
    decision_texts(&body.decisions)?;
    // The linked students (of the caller's own district) ride along in the same BatchGetItem as the
    // caller and the transfer.
    let students = body
        .decisions
        .iter()
        .take(crate::domain::MAX_CASES_PER_TRANSFER)
        .filter_map(|d| match d.link()? {
            CaseLink::Sis { student_id } => Some(student_id.clone()),
            CaseLink::TransferInfo => None,
        })
        .collect();
    let Loaded { caller, transfer, reads } = load(app, req, Wanted { students, ..Wanted::default() }).await?;
    let students: Vec<Student> = reads.students.into_values().collect();
    let t = attempt(app, &caller, transfer, &code, false).await?;
    check_decisions(&t, &body.decisions)?;
    // Everything the plan can refuse (a student not in the SIS) is refused before numbers are taken.
    plan_accept(&t, &caller.district.district, &body.decisions, &students, 0, app.clock.now())?;
    // The new cases' numbers, taken from the district's own sequence for this accept alone; every
    // try below uses them. A try that then loses leaves a gap, never a repeat.
    let taken = body.decisions.iter().filter(|d| d.link().is_some()).count() as u64;
    let after = app.store.reserve_case_numbers(caller.district_id(), taken).await?;
    let destination = &caller.district;
    let (caller, body, students, code) = (&caller, &body, &students, &code);
    settle(app, t, |t| async move {
        let now = app.clock.now();
        check_code(&t, &caller.actor(), &app.config.secret, code, now)?.into_result()?;
        let new_cases = plan_accept(&t, &destination.district, &body.decisions, students, after, now)?;
        let actor = caller.actor().event_actor();
        let declined: Vec<&Decision> = body.decisions.iter().filter(|d| d.declined().is_some()).collect();
        let mut detail = format!("{} case(s) created in {}", new_cases.len(), destination.district.name);
        if !declined.is_empty() {
            detail.push_str(&format!("; {} declined", declined.len()));
        }
        let event = AuditEvent { at: now, kind: EventType::Accepted, actor: actor.clone(), detail: Some(detail) };
        // Each declined case goes back to its sender: an event of its own, with the reason given.
        let returned: Vec<AuditEvent> = declined
            .iter()
            .map(|d| {
                let number =
                    t.cases.iter().find(|c| c.source_case_id == d.source_case_id).map(|c| &c.header.case_number);
                AuditEvent {
                    at: now,
                    kind: EventType::Returned,
                    actor: actor.clone(),
                    detail: Some(format!(
                        "case {} declined: {}",
                        number.map(String::as_str).unwrap_or(d.source_case_id.as_str()),
                        d.declined().unwrap_or_default()
                    )),
                }
            })
            .collect();
        let by = caller.user.as_ref();
        let disclosure = t.first_disclosure(by.clone(), now);
        let message = OutboxMessage { revealed: disclosure.is_some(), ..outbox(EventType::Accepted, &t, actor, now) };
        let decided = t.clone().accepted(by.clone(), CreatedCase::all(&new_cases), &body.decisions, now);
        let acceptance = Acceptance {
            transfer: &t,
            decided: &decided,
            acting: caller.acting(),
            by: &by,
            destination: destination.as_ref(),
            new_cases: &new_cases,
            returned: &returned,
            disclosure: disclosure.as_ref(),
            event: &event,
            outbox: &message,
            now,
        };
        match app.store.accept(acceptance).await {
            Ok(()) => {
                super::parent_notices::make_tasks_with_the_change(app, &message, &decided, &destination.district).await;
                let (t, created) = (decided.clone(), decided.created_cases.clone());
                tracing::info!(cases = created.len(), declined = returned.len(), "transfer accepted");
                let view = TransferView::new(&t, Side::Destination, now).with_cases(&t, Side::Destination);
                Ok(Try::Done(ok(&Accepted { transfer: view, created_cases: created })?))
            }
            Err(failure) if failure.failed(&Action::DestinationDistrict) => Err(Error::TransfersDisabled),
            // Lost a race on the request (someone decided first, or a transaction touched it at the
            // same moment): `settle` re-reads it and this decides again.
            Err(failure) => lost_race(failure),
        }
    })
    .await
}
