//! What the deciding operations share: loading the caller and the transfer in one round trip, and
//! ending a request (reject, cancel).

use super::{record_transfer, TransferView};
use crate::domain::notification::OutboxMessage;
use crate::domain::{check_reason, AuditEvent, EventType, Side, TransferRequest, TransferStatus};
use crate::domain::{OutboxId, TransferId};
use crate::error::Error;
use crate::http::{ok, parse_json, path_id, Caller, Claims};
use crate::store::transfers::Ending;
use crate::store::{CallerReads, TxFailure, Wanted};
use crate::App;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

/// How many times a state change is re-decided after losing a race before giving up with 503.
const MAX_TRIES: u32 = 6;

/// What one try of a state change came to.
pub(crate) enum Try<T> {
    Done(T),
    /// Someone else changed the request (or, for accept, took case numbers) first.
    LostRace,
}

/// A transaction's failure as a try: a lost race is decided again, anything else is the answer.
pub(crate) fn lost_race<T>(failure: TxFailure) -> Result<Try<T>, Error> {
    match failure {
        TxFailure::Other(e) => Err(e),
        TxFailure::Conditions(_) | TxFailure::Conflict => Ok(Try::LostRace),
    }
}

/// Decides and commits a change of a pending request; each time it loses a race, it decides again on
/// a fresh, strongly consistent read of the request. `step` decides on the request it is given (the
/// domain says whether it may still happen) and commits.
pub(crate) async fn settle<T, Fut>(
    app: &App,
    mut t: TransferRequest,
    mut step: impl FnMut(TransferRequest) -> Fut,
) -> Result<T, Error>
where
    Fut: std::future::Future<Output = Result<Try<T>, Error>>,
{
    for round in 1..=MAX_TRIES {
        match step(t.clone()).await? {
            Try::Done(value) => return Ok(value),
            Try::LostRace => {
                // Spread out the ones that collided, so they do not collide again in step.
                let wait = rand::random_range(10..40u64) * u64::from(round);
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                t = reload(app, &t.id).await?;
            }
        }
    }
    Err(Error::unavailable("the request kept changing while it was being decided"))
}

pub(crate) struct Loaded {
    pub caller: Caller,
    pub transfer: TransferRequest,
    pub reads: CallerReads,
}

/// The caller, the transfer of the path and what `wanted` names, in one BatchGetItem. A transfer the
/// caller's district is not party to is not found, exactly like one that does not exist.
pub(crate) async fn load(app: &App, req: &Request, wanted: Wanted) -> Result<Loaded, Error> {
    let claims = Claims::from_request(req, &app.config)?;
    let id: TransferId = path_id(req, "id")?;
    record_transfer(&id);
    let wanted = Wanted { transfer: Some(id), ..wanted };
    let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, wanted).await?;
    let caller = Caller::resolve(&claims, &mut reads)?;
    let transfer = reads.transfer.take().ok_or(Error::NotFound)?;
    if transfer.side_of(caller.district_id()).is_none() {
        return Err(Error::NotFound);
    }
    Ok(Loaded { caller, transfer, reads })
}

/// The request again after a lost race (a strongly consistent read): only ever for a request this
/// caller has already been shown to be a party of.
pub(crate) async fn reload(app: &App, id: &TransferId) -> Result<TransferRequest, Error> {
    app.store.transfer(id).await?.ok_or(Error::NotFound)
}

pub(crate) fn outbox(
    event: EventType,
    t: &TransferRequest,
    actor: crate::domain::EventActor,
    at: crate::domain::Timestamp,
) -> OutboxMessage {
    OutboxMessage { id: OutboxId::generate(), event, transfer_id: t.id.clone(), at, actor, revealed: false }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReasonBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /v1/transfers/{id}/reject`: the destination declines; the source's cases are free again.
pub(crate) async fn reject(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    end(app, req, TransferStatus::Rejected).await
}

/// `POST /v1/transfers/{id}/cancel`: the sender withdraws a pending request; its cases are free again.
pub(crate) async fn cancel(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    end(app, req, TransferStatus::Cancelled).await
}

/// Reject (by the destination) or cancel (by the source): the request ends and its cases are free.
async fn end(app: &App, req: &Request, status: TransferStatus) -> Result<Response<Body>, Error> {
    let body: ReasonBody = parse_json(req)?;
    let reason = body.reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    check_reason(reason.as_deref())?;
    let Loaded { caller, transfer, .. } = load(app, req, Wanted::default()).await?;
    let (side, kind) = match status {
        TransferStatus::Rejected => (Side::Destination, EventType::Rejected),
        _ => (Side::Source, EventType::Cancelled),
    };
    settle(app, transfer, |t| async {
        let now = app.clock.now();
        match side {
            Side::Destination => crate::domain::check_reject(&t, &caller.actor(), now)?,
            Side::Source => crate::domain::check_cancel(&t, &caller.actor(), now)?,
        }
        let event = AuditEvent { at: now, kind, actor: caller.actor().event_actor(), detail: reason.clone() };
        let message = outbox(kind, &t, caller.actor().event_actor(), now);
        let by = caller.user.as_ref();
        let ending = Ending { status, by: &by, reason: reason.as_deref(), event: &event, outbox: &message, now };
        match app.store.end_transfer(&t, caller.acting(), ending).await {
            Ok(()) => {
                let ended = t.ended(status, by, reason.clone(), now);
                Ok(Try::Done(ok(&TransferView::new(&ended, side, now))?))
            }
            Err(failure) => lost_race(failure),
        }
    })
    .await
}
