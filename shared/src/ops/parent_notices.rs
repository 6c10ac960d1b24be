//! Parent notices (34 CFR 99.34, api.md v1.2): the worklist (`GET /v1/parent-notices`), closing a task
//! (`POST .../done`, `POST .../not-required`), and making the tasks a change calls for, which the
//! deliverer does when it is told of the change (`make_tasks`).

use super::list::as_caller;
use crate::domain::district_audit::DistrictAuditEvent;
use crate::domain::notification::OutboxMessage;
use crate::domain::parent_notice::{tasks_for, Closing, NoticeMethod, NoticeSettings, NoticeStatus};
use crate::domain::{District, DistrictId, EventType, ParentNoticeId, TransferRequest};
use crate::error::Error;
use crate::http::{cursor, limit, ok, parse_json, path_id, query, Caller, Claims};
use crate::store::Wanted;
use crate::App;
use chrono::NaiveDate;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

/// The tasks `m` calls for, created once however often `m` is told (the deliverer's part). Each
/// district's settings are read only when its side could need a task.
pub(crate) async fn make_tasks(app: &App, m: &OutboxMessage, t: &TransferRequest) -> Result<(), Error> {
    make_tasks_knowing(app, m, t, None).await
}

/// The same, right after the change committed, by the request that made it: the receiving district's
/// settings are the caller's, already read. Should it fail, the deliverer makes them from the outbox
/// message (the same ids: nothing twice); the request's answer does not depend on it.
pub(crate) async fn make_tasks_with_the_change(
    app: &App,
    m: &OutboxMessage,
    t: &TransferRequest,
    destination: &District,
) {
    if let Err(e) = make_tasks_knowing(app, m, t, Some(destination)).await {
        tracing::warn!(error = %e, "parent-notice tasks left to the deliverer");
    }
}

async fn make_tasks_knowing(
    app: &App,
    m: &OutboxMessage,
    t: &TransferRequest,
    known: Option<&District>,
) -> Result<(), Error> {
    let accepted = m.event == EventType::Accepted;
    if !m.revealed && !accepted {
        return Ok(());
    }
    let of = |d: Option<&District>| NoticeSettings {
        annual_notice_covers_transfers: d.and_then(|d| d.annual_notice_covers_transfers).unwrap_or(true),
        parent_notice_on_receive: d.and_then(|d| d.parent_notice_on_receive).unwrap_or(false),
    };
    let settings = |id: &DistrictId, wanted: bool| {
        let id = id.clone();
        let known = known.filter(|d| d.id == id).cloned();
        async move {
            if !wanted {
                return Ok::<_, Error>(NoticeSettings::default());
            }
            if let Some(d) = known {
                return Ok(of(Some(&d)));
            }
            Ok(of(app.store.district(&id).await?.map(|r| r.district).as_ref()))
        }
    };
    let (source, destination) =
        tokio::try_join!(settings(&t.source.id, m.revealed), settings(&t.destination.id, accepted))?;
    let tasks = tasks_for(t, m.revealed, accepted, source, destination, m.at);
    if !tasks.is_empty() {
        let made = app.store.create_parent_notices(&tasks).await?;
        tracing::info!(tasks = tasks.len(), made, "parent-notice tasks");
    }
    Ok(())
}

/// `GET /v1/parent-notices?status=open|done|not_required`: open ones oldest first.
pub(crate) async fn list(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let status = match query(req, "status")?.as_deref() {
        None | Some("") => NoticeStatus::Open,
        Some(v) => NoticeStatus::parse(v).ok_or_else(|| Error::invalid("status", "one of open, done, not_required"))?,
    };
    let (limit, cursor) = (limit(req)?, cursor(req)?);
    let (_, page) = as_caller(app, req, |c| async move {
        app.store.parent_notices(&c.district_id, status, limit, cursor.as_deref()).await
    })
    .await?;
    ok(&page)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DoneBody {
    method: NoticeMethod,
    notified_on: NaiveDate,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NotRequiredBody {
    reason: String,
}

/// `POST /v1/parent-notices/{id}/done`.
pub(crate) async fn done(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let id: ParentNoticeId = path_id(req, "id")?;
    let body: DoneBody = parse_json(req)?;
    close(app, req, id, Closing::Notified { method: body.method, notified_on: body.notified_on, note: body.note }).await
}

/// `POST /v1/parent-notices/{id}/not-required`.
pub(crate) async fn not_required(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let id: ParentNoticeId = path_id(req, "id")?;
    let body: NotRequiredBody = parse_json(req)?;
    close(app, req, id, Closing::NotRequired { reason: body.reason }).await
}

async fn close(app: &App, req: &Request, id: ParentNoticeId, closing: Closing) -> Result<Response<Body>, Error> {
    let claims = Claims::from_request(req, &app.config)?;
    let (reads, task) = tokio::try_join!(
        app.store.read_with_caller(&claims.district_id, &claims.user_id, Wanted::default()),
        app.store.parent_notice(&claims.district_id, &id),
    )?;
    let mut reads = reads;
    let caller = Caller::resolve(&claims, &mut reads)?;
    let now = app.clock.now();
    let today = now.0.with_timezone(&caller.district.district.tz()).date_naive();
    let problems = closing.problems(today);
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let task = task.ok_or(Error::NotFound)?;
    let closed = task.closed(closing, caller.user.as_ref(), now)?;
    let audit = DistrictAuditEvent {
        at: now,
        district_id: caller.district_id().clone(),
        actor: caller.user.as_ref(),
        action: format!("parent_notice.{}", closed.status.as_str()),
        subject: closed.id.to_string(),
        before: Some(serde_json::json!({"status": task.status})),
        after: Some(serde_json::json!({
            "status": closed.status, "method": closed.method, "notifiedOn": closed.notified_on,
            "note": closed.note, "reason": closed.reason,
        })),
    };
    app.store.close_parent_notice(&closed, &audit, caller.acting()).await?;
    tracing::info!(parent_notice_id = %closed.id, status = closed.status.as_str(), "parent notice closed");
    ok(&closed)
}
