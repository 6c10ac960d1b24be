//! The read side: destinations, case search, one case, SIS students, transfer lists and details,
//! in-app notifications, health. The caller's records are read concurrently with the query itself, so
//! authorization adds no round trip; nothing is returned unless the caller checks out.

use super::decide::{load, Loaded};
use super::TransferView;
use crate::domain::{search, CaseId, CaseStatus, Direction, DistrictId, Side, TransferStatus};
use crate::error::Error;
use crate::http::{cursor, limit, ok, path_id, query, Caller, Claims};
use crate::store::cases::CaseFilter;
use crate::store::directory::Directory;
use crate::store::history::Order;
use crate::store::transfers::TransferFilter;
use crate::store::Wanted;
use crate::App;
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use std::future::Future;

pub(crate) async fn health(_: &App, _: &Request) -> Result<Response<Body>, Error> {
    ok(&serde_json::json!({"status": "ok"}))
}

/// `GET /v1/me`: who the caller is and their district, with or without Manage Cases (a client shows
/// the right screens from it). One BatchGetItem.
pub(crate) async fn me(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let claims = Claims::from_request(req, &app.config)?;
    let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, Wanted::default()).await?;
    let Caller { user, district } = Caller::identify(&claims, &mut reads)?;
    ok(&serde_json::json!({
        "user": {"id": user.id, "name": user.name, "email": user.email, "permissions": user.permissions},
        "district": {"id": district.district.id, "name": district.district.name,
                     "transfersEnabled": district.district.transfers_enabled},
    }))
}

/// Runs `work` for the claimed district alongside the caller check; `work`'s result is only used
/// once the caller is verified.
pub(super) async fn as_caller<T, F, Fut>(app: &App, req: &Request, work: F) -> Result<(Caller, T), Error>
where
    F: FnOnce(Claims) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let claims = Claims::from_request(req, &app.config)?;
    let check = async {
        let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, Wanted::default()).await?;
        Caller::resolve(&claims, &mut reads)
    };
    let (caller, result) = tokio::join!(check, work(claims.clone()));
    let caller = caller?;
    Ok((caller, result?))
}

/// An optional query parameter naming one of an enum's values; otherwise a 400 listing them.
pub(super) fn parsed<T>(req: &Request, name: &str) -> Result<Option<T>, Error>
where
    T: std::str::FromStr + strum::IntoEnumIterator + Into<&'static str>,
{
    let expected = || {
        let all: Vec<&'static str> = T::iter().map(Into::into).collect();
        Error::invalid(name, format!("one of {}", all.join(", ")))
    };
    query(req, name)?.map(|v| v.parse().map_err(|_| expected())).transpose()
}

/// `GET /v1/districts[?transfersEnabled=true][&q=][&limit=][&cursor=]`: every other district (a records
/// request may go to one with transfers OFF), or the destinations of a send; by name, paged.
pub(crate) async fn districts(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let which = match query(req, "transfersEnabled")?.as_deref() {
        None => Directory::All,
        Some("true") => Directory::TransfersOn,
        Some(_) => return Err(Error::invalid("transfersEnabled", "only transfersEnabled=true is supported")),
    };
    let q = search_query(req)?;
    let (limit, cursor) = (limit(req)?, cursor(req)?);
    let (_, page) = as_caller(app, req, |c| async move {
        app.store.directory(which, &c.district_id, q.as_deref(), limit, cursor.as_deref()).await
    })
    .await?;
    ok(&page)
}

/// `q` of case and student search: at most 100 characters; empty is the same as absent (web forms
/// send `q=`).
pub(super) fn search_query(req: &Request) -> Result<Option<String>, Error> {
    let q = query(req, "q")?.filter(|q| !q.trim().is_empty());
    if q.as_ref().is_some_and(|q| q.chars().count() > search::MAX_QUERY_CHARS) {
        return Err(Error::invalid("q", format!("at most {} characters", search::MAX_QUERY_CHARS)));
    }
    Ok(q)
}

pub(crate) async fn cases(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let q = search_query(req)?;
    let unassigned = match query(req, "unassigned")?.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Error::invalid("unassigned", "true or false")),
    };
    let filter = CaseFilter { status: parsed::<CaseStatus>(req, "status")?, unassigned };
    let (limit, cursor, now) = (limit(req)?, cursor(req)?, app.clock.now());
    let (_, page) = as_caller(app, req, |c| async move {
        app.store.search_cases(&c.district_id, q.as_deref(), filter, limit, cursor.as_deref(), now).await
    })
    .await?;
    ok(&page)
}

pub(crate) async fn case(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let id: CaseId = path_id(req, "caseId")?;
    let now = app.clock.now();
    let (_, detail) =
        as_caller(app, req, |c| async move { app.store.case_detail(&c.district_id, &id, now).await }).await?;
    ok(&detail)
}

pub(crate) async fn students(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let q = search_query(req)?;
    let (limit, cursor) = (limit(req)?, cursor(req)?);
    let (_, page) = as_caller(app, req, |c| async move {
        app.store.search_students(&c.district_id, q.as_deref(), limit, cursor.as_deref()).await
    })
    .await?;
    ok(&page)
}

pub(crate) async fn transfers(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let side: Side = parsed::<Direction>(req, "direction")?
        .ok_or_else(|| Error::invalid("direction", "one of incoming, outgoing"))?
        .into();
    let other = query(req, "otherDistrictId")?
        .map(|v| DistrictId::parse(&v).map_err(|e| Error::invalid("otherDistrictId", e.to_string())))
        .transpose()?;
    let filter = TransferFilter { status: parsed::<TransferStatus>(req, "status")?, other };
    let (limit, cursor, now) = (limit(req)?, cursor(req)?, app.clock.now());
    let filter = &filter;
    let (_, page) = as_caller(app, req, |c| async move {
        app.store.list_transfers(&c.district_id, side, filter, limit, cursor.as_deref(), now).await
    })
    .await?;
    let items: Vec<TransferView> = page.items.iter().map(|t| TransferView::new(t, side, now)).collect();
    ok(&crate::store::Page { items, next_cursor: page.next_cursor })
}

/// Events inlined in a request's details; `eventsNextCursor` pages the rest.
const INLINE_EVENTS: usize = 50;

/// Details with the newest events; the frozen cases only where the caller's side may see them.
pub(crate) async fn transfer(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let Loaded { caller, transfer: t, .. } = load(app, req, Wanted::default()).await?;
    let side = t.side_of(caller.district_id()).ok_or(Error::NotFound)?;
    let events = app.store.events(&t.id, INLINE_EVENTS, None).await?;
    let mut view = TransferView::new(&t, side, app.clock.now()).with_cases(&t, side);
    view.events = Some(events.items);
    view.events_next_cursor = events.next_cursor;
    ok(&view)
}

/// `GET /v1/transfers/{id}/events`: the rest of a request's events, newest first; its two
/// districts only.
pub(crate) async fn transfer_events(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let (limit, cursor) = (limit(req)?, cursor(req)?);
    let Loaded { transfer: t, .. } = load(app, req, Wanted::default()).await?;
    ok(&app.store.events(&t.id, limit, cursor.as_deref()).await?)
}

/// `GET /v1/transfers/{id}/cases/{sourceCaseId}/entries`: a frozen case's history, in `order`; the
/// source always, the destination once a right code was entered, as if the case were not there
/// before; a third district never.
pub(crate) async fn transfer_case_entries(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let (limit, cursor, order) = (entry_limit(req)?, cursor(req)?, entry_order(req)?);
    let case: CaseId = path_id(req, "sourceCaseId")?;
    let Loaded { caller, transfer: t, .. } = load(app, req, Wanted::default()).await?;
    let side = t.side_of(caller.district_id()).ok_or(Error::NotFound)?;
    let frozen = t.cases.iter().find(|c| c.source_case_id == case).ok_or(Error::NotFound)?;
    if !t.contents_visible_to(side) {
        return Err(Error::NotFound);
    }
    ok(&app.store.snapshot_page(&t.id, frozen, order, limit, cursor.as_deref()).await?)
}

/// `GET /v1/cases/{caseId}/entries`: one of the caller's cases' history, oldest or newest first.
pub(crate) async fn case_entries(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let id: CaseId = path_id(req, "caseId")?;
    let (limit, cursor, order) = (entry_limit(req)?, cursor(req)?, entry_order(req)?);
    let (_, case) = as_caller(app, req, |c| async move { app.store.case(&c.district_id, &id).await }).await?;
    let case = case.ok_or(Error::NotFound)?;
    ok(&app.store.case_entries(&case, order, limit, cursor.as_deref()).await?)
}

/// `order` of history pages: `asc` (oldest first, the default) or `desc`.
fn entry_order(req: &Request) -> Result<Order, Error> {
    match query(req, "order")?.as_deref() {
        None | Some("asc") => Ok(Order::Asc),
        Some("desc") => Ok(Order::Desc),
        Some(_) => Err(Error::invalid("order", "one of asc, desc")),
    }
}

/// `limit` of history pages: 1 to 500, 100 if absent.
fn entry_limit(req: &Request) -> Result<usize, Error> {
    match query(req, "limit")? {
        None => Ok(100),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=500).contains(&n) => Ok(n),
            _ => Err(Error::invalid("limit", "a whole number from 1 to 500")),
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationPage {
    items: Vec<crate::domain::notification::Notification>,
    next_cursor: Option<String>,
    unread_count: u64,
}

pub(crate) async fn notifications(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let (limit, cursor) = (limit(req)?, cursor(req)?);
    let (_, (page, unread)) = as_caller(app, req, |c| async move {
        let page = app.store.notifications(&c.district_id, &c.user_id, limit, cursor.as_deref());
        let unread = app.store.unread_count(&c.district_id, &c.user_id);
        let (page, unread) = tokio::join!(page, unread);
        Ok((page?, unread?))
    })
    .await?;
    ok(&NotificationPage { items: page.items, next_cursor: page.next_cursor, unread_count: unread })
}
