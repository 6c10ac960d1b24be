//! Deciding a records request (api.md v1.2): the recipient declines it ("no records" is an answer the
//! law expects), the requester withdraws it; the right side only, an open request only.

use super::records::{calendars, load, RequestView};
use crate::domain::record_request::{DeclineReason, RequestEvent, RequestEventType, RequestSide, RequestStatus};
use crate::domain::request_notice::RequestMessage;
use crate::domain::{free_text_problem, RecordRequestId, MAX_NOTES_CHARS};
use crate::error::Error;
use crate::http::{ok, parse_json, path_id};
use crate::App;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeclineBody {
    reason: DeclineReason,
    #[serde(default)]
    detail: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WithdrawBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /v1/record-requests/{id}/decline`: the recipient, an open request.
pub(crate) async fn decline(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    // An id that breaks the id rule names nothing, whatever the body (404 before 400, as on every route).
    let _: RecordRequestId = path_id(req, "id")?;
    let body: DeclineBody = parse_json(req)?;
    if let Some(p) = body.detail.as_deref().and_then(|d| free_text_problem("detail", d, MAX_NOTES_CHARS)) {
        return Err(Error::Validation(vec![p]));
    }
    decide(app, req, RequestSide::Recipient, RequestStatus::Declined, Some(body.reason), body.detail).await
}

/// `POST /v1/record-requests/{id}/withdraw`: the requester, an open request.
pub(crate) async fn withdraw(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let _: RecordRequestId = path_id(req, "id")?;
    let body: WithdrawBody = parse_json(req)?;
    if let Some(p) = body.reason.as_deref().and_then(|d| free_text_problem("reason", d, MAX_NOTES_CHARS)) {
        return Err(Error::Validation(vec![p]));
    }
    decide(app, req, RequestSide::Requesting, RequestStatus::Withdrawn, None, body.reason).await
}

async fn decide(
    app: &App,
    req: &Request,
    side: RequestSide,
    to: RequestStatus,
    reason: Option<DeclineReason>,
    detail: Option<String>,
) -> Result<Response<Body>, Error> {
    let (caller, r, mine) = load(app, req).await?;
    r.check_decide(caller.district_id(), side)?;
    let now = app.clock.now();
    let mut decided = r.clone();
    decided.status = to;
    decided.decided_at = Some(now);
    decided.decided_by = Some(caller.user.as_ref());
    decided.reason = reason;
    decided.detail = detail.filter(|d| !d.trim().is_empty());
    let kind = match to {
        RequestStatus::Declined => RequestEventType::Declined,
        _ => RequestEventType::Withdrawn,
    };
    let event = RequestEvent { at: now, kind, actor: caller.actor().event_actor(), detail: None };
    let message = RequestMessage::new(&decided, kind, event.actor.clone(), now);
    app.store.decide_record_request(&decided, &event, &message).await?;
    tracing::info!(record_request_id = %decided.id, status = decided.status.as_str(), "records request decided");
    let calendars = calendars(app, std::slice::from_ref(&decided)).await?;
    let calendar = calendars.get(&decided.recipient_district.id).map(Vec::as_slice).unwrap_or_default();
    ok(&RequestView::new(decided, mine, now, calendar))
}
