//! Records requests (api.md v1.2, "Records requests"): the new district asks (`create`), both sides
//! list and read them; deciding them is `ops::record_decisions`. The due date is counted once, when the
//! request arrives, by the recipient's rule, time zone and calendar.

use super::list::{as_caller, parsed};
use crate::domain::deadline::DayRange;
use crate::domain::record_request::{
    DueIn, RecordRequest, RequestEvent, RequestEventType, RequestSide, RequestStatus, StudentAsKnown,
};
use crate::domain::request_notice::RequestMessage;
use crate::domain::{free_text_problem, CaseSummary, DistrictId, RecordRequestId, Timestamp, MAX_NOTES_CHARS};
use crate::error::Error;
use crate::http::{cursor, limit, ok, parse_json, path_id, query, Caller, Claims};
use crate::store::cases::CaseFilter;
use crate::store::record_requests::{Created, RequestDirection, RequestFilter};
use crate::store::Wanted;
use crate::App;
use chrono::NaiveDate;
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// At most this many suggested cases.
const MAX_SUGGESTIONS: usize = 10;

#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateBody {
    recipient_district_id: DistrictId,
    student: StudentAsKnown,
    #[serde(default)]
    enrolled_on: Option<NaiveDate>,
    #[serde(default)]
    notes: Option<String>,
}

/// A request as one side sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RequestView {
    #[serde(flatten)]
    request: RecordRequest,
    direction: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    due_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due_at: Option<Timestamp>,
    overdue: bool,
    /// The due date from today, as the rule counts ("due in 2 school days", "overdue by 3 working days").
    #[serde(skip_serializing_if = "Option::is_none")]
    due_in: Option<DueIn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<Vec<RequestEvent>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggested_cases: Option<Vec<CaseSummary>>,
}

impl RequestView {
    pub(super) fn new(mut r: RecordRequest, side: RequestSide, now: Timestamp, calendar: &[DayRange]) -> Self {
        let overdue = r.overdue(now);
        let due_in = r.due_in(calendar, now);
        let due = r.due.take();
        RequestView {
            direction: match side {
                RequestSide::Recipient => "incoming",
                RequestSide::Requesting => "outgoing",
            },
            due_date: due.map(|d| d.date),
            due_at: due.map(|d| d.at),
            overdue,
            due_in,
            request: r,
            events: None,
            suggested_cases: None,
        }
    }
}

async fn caller(app: &App, req: &Request) -> Result<Caller, Error> {
    let claims = Claims::from_request(req, &app.config)?;
    let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, Wanted::default()).await?;
    Caller::resolve(&claims, &mut reads)
}

/// `POST /v1/record-requests`.
pub(crate) async fn create(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let body: CreateBody = parse_json(req)?;
    let key = super::send::idempotency_key(req)?;
    let mut problems = body.student.problems();
    if let Some(p) = body.notes.as_deref().and_then(|n| free_text_problem("notes", n, MAX_NOTES_CHARS)) {
        problems.push(p);
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let caller = caller(app, req).await?;
    if !caller.district.district.transfers_enabled {
        return Err(Error::TransfersDisabled);
    }
    // Any other district, ON or OFF; never itself, never one that does not exist.
    let recipient = match app.store.district(&body.recipient_district_id).await? {
        Some(d) if &d.district.id != caller.district_id() => d.district,
        _ => return Err(Error::DestinationUnavailable),
    };
    let calendar = match recipient.records_rule {
        Some(_) => app.store.calendar(&recipient.id).await?.days,
        None => vec![],
    };
    let now = app.clock.now();
    // With an Idempotency-Key: the request's id comes from it, and its body's hash tells a retry from
    // another request made with the same key.
    let request_hash = key.as_ref().map(|_| {
        use sha2::{Digest, Sha256};
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect::<String>()
    });
    let notes = body.notes.filter(|n| !n.trim().is_empty());
    let mut r = RecordRequest::new(
        &caller.district.district,
        caller.user.as_ref(),
        &recipient,
        &calendar,
        body.student,
        body.enrolled_on,
        notes,
        now,
    );
    let event = RequestEvent {
        at: now,
        kind: RequestEventType::Created,
        actor: caller.actor().event_actor(),
        detail: r.due.map(|d| format!("due {}", d.date)),
    };
    if let Some(k) = &key {
        r.id = RecordRequestId::for_key(caller.district_id(), k);
    }
    let message = RequestMessage::new(&r, RequestEventType::Created, event.actor.clone(), now);
    match app.store.create_record_request(&r, &event, &message, request_hash.as_deref()).await? {
        Created::New => {
            tracing::info!(record_request_id = %r.id, "records request created");
            let view = RequestView::new(r, RequestSide::Requesting, now, &calendar);
            crate::http::response::json(201, &serde_json::json!({ "recordRequest": view }))
        }
        // A retry: the request the first call made, as it is now.
        Created::Replay(existing) => {
            let view = RequestView::new(*existing, RequestSide::Requesting, now, &calendar);
            ok(&serde_json::json!({ "recordRequest": view }))
        }
    }
}

/// `GET /v1/record-requests?direction=&status=&overdue=`.
pub(crate) async fn list(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let direction = match query(req, "direction")?.as_deref() {
        Some("incoming") => RequestDirection::Incoming,
        Some("outgoing") => RequestDirection::Outgoing,
        _ => return Err(Error::invalid("direction", "one of incoming, outgoing")),
    };
    let overdue = match query(req, "overdue")?.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Error::invalid("overdue", "true or false")),
    };
    let filter = RequestFilter { status: parsed::<RequestStatus>(req, "status")?, overdue };
    let (limit, cursor, now) = (limit(req)?, cursor(req)?, app.clock.now());
    let (_, page) = as_caller(app, req, |c| async move {
        app.store.list_record_requests(&c.district_id, direction, filter, limit, cursor.as_deref(), now).await
    })
    .await?;
    let side = match direction {
        RequestDirection::Incoming => RequestSide::Recipient,
        RequestDirection::Outgoing => RequestSide::Requesting,
    };
    let calendars = calendars(app, &page.items).await?;
    let items: Vec<RequestView> = page
        .items
        .into_iter()
        .map(|r| {
            let calendar = calendars.get(&r.recipient_district.id).map(Vec::as_slice).unwrap_or_default();
            RequestView::new(r, side, now, calendar)
        })
        .collect();
    ok(&crate::store::Page { items, next_cursor: page.next_cursor })
}

/// One request of the caller's district (either side); anyone else's is not found.
pub(super) async fn load(app: &App, req: &Request) -> Result<(Caller, RecordRequest, RequestSide), Error> {
    let id: RecordRequestId = path_id(req, "id")?;
    let (caller, r) = as_caller(app, req, |_| async { app.store.record_request(&id).await }).await?;
    let r = r.ok_or(Error::NotFound)?;
    let side = r.side_of(caller.district_id()).ok_or(Error::NotFound)?;
    Ok((caller, r, side))
}

/// `GET /v1/record-requests/{id}`: with its events, and for the recipient the cases that may be the
/// student's.
pub(crate) async fn get(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let (caller, r, side) = load(app, req).await?;
    let now = app.clock.now();
    let events = app.store.record_request_events(&r.id).await?;
    let suggested = match side {
        RequestSide::Recipient => Some(suggestions(app, caller.district_id(), &r, now).await?),
        RequestSide::Requesting => None,
    };
    let calendars = calendars(app, std::slice::from_ref(&r)).await?;
    let calendar = calendars.get(&r.recipient_district.id).map(Vec::as_slice).unwrap_or_default();
    let mut view = RequestView::new(r, side, now, calendar);
    view.events = Some(events);
    view.suggested_cases = suggested;
    ok(&view)
}

/// The recipient's cases whose person may be the student: found by the last name in the case index
/// (its cost follows the namesakes), then checked by the rule (`StudentAsKnown::may_be`).
async fn suggestions(
    app: &App,
    district: &DistrictId,
    r: &RecordRequest,
    now: Timestamp,
) -> Result<Vec<CaseSummary>, Error> {
    let last = r.student.last_name.trim();
    if last.is_empty() {
        return Ok(vec![]);
    }
    let page = app.store.search_cases(district, Some(last), CaseFilter::default(), 100, None, now).await?;
    let mut found = Vec::new();
    for c in page.items {
        let person = &c.person_of_concern;
        let by_name = r.student.may_be(&person.first_name, &person.last_name, None);
        // The date of birth is on the case itself: read only for namesakes the names did not settle.
        let by_birth = !by_name
            && r.student.date_of_birth.is_some()
            && crate::domain::search::fold(&person.last_name) == crate::domain::search::fold(last)
            && app.store.case(district, &c.id).await?.is_some_and(|full| {
                let p = &full.header.person_of_concern;
                r.student.may_be(&p.first_name, &p.last_name, p.date_of_birth.as_deref())
            });
        if by_name || by_birth {
            found.push(c);
        }
        if found.len() == MAX_SUGGESTIONS {
            break;
        }
    }
    Ok(found)
}

/// The calendars the due dates of `requests` count on: one read per recipient with a clock.
pub(super) async fn calendars(
    app: &App,
    requests: &[RecordRequest],
) -> Result<HashMap<DistrictId, Vec<DayRange>>, Error> {
    let mut out = HashMap::new();
    for r in requests.iter().filter(|r| r.due.is_some()) {
        if !out.contains_key(&r.recipient_district.id) {
            let days = app.store.calendar(&r.recipient_district.id).await?.days;
            out.insert(r.recipient_district.id.clone(), days);
        }
    }
    Ok(out)
}
