//! `POST /v1/transfers` (send one or many cases to another district) and
//! `POST /v1/transfers/{id}/code` (a new authentication code).

use super::decide::{load, lost_race, outbox, reload, settle, Loaded, Try};
use super::{record_transfer, TransferView};
use crate::domain::record_request::{RequestEvent, RequestEventType};
use crate::domain::request_notice::RequestMessage;
use crate::domain::{
    check_regenerate, check_send, AuditEvent, AuthCode, Case, CaseId, DistrictId, EventType, RecordRequestId, Side,
    SnapshotHeader, TransferId, TransferRequest, TransferStatus,
};
use crate::error::Error;
use crate::http::{json, ok, parse_json, Caller, Claims};
use crate::store::transfers::{IdempotencyRecord, KeyClaim, NewTransfer, SendFailure};
use crate::store::Wanted;
use crate::App;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as B64, Engine};
use lambda_http::{Body, Request, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SendBody {
    destination_district_id: DistrictId,
    case_ids: Vec<CaseId>,
    #[serde(default)]
    notes: Option<String>,
    /// The records request this send answers (api.md v1.2, "Fulfil").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record_request_id: Option<RecordRequestId>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sent {
    transfer: TransferView,
    /// Shown once, here and in the response to a new code; never stored, logged or emailed.
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_code: Option<String>,
}

/// The `Idempotency-Key` header: 1 to 128 visible ASCII characters. One that is present but not of
/// that form is refused, never ignored (ignoring it would send twice on a retry).
pub(crate) fn idempotency_key(req: &Request) -> Result<Option<String>, Error> {
    let Some(raw) = req.headers().get("idempotency-key") else { return Ok(None) };
    let bytes = raw.as_bytes();
    if bytes.is_empty() || bytes.len() > 128 || !bytes.iter().all(u8::is_ascii_graphic) {
        return Err(Error::invalid("Idempotency-Key", "1 to 128 visible ASCII characters"));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

pub(crate) async fn send(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let claims = Claims::from_request(req, &app.config)?;
    let body: SendBody = parse_json(req)?;
    let key = idempotency_key(req)?;
    let notes = body.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    crate::domain::validate_send(&body.case_ids, notes.as_deref())?;

    // One round trip: the caller, both districts' settings, and every selected case (of the caller's
    // own district: the store builds their keys from the verified district).
    let wanted = Wanted {
        destination: Some(body.destination_district_id.clone()),
        cases: body.case_ids.clone(),
        ..Wanted::default()
    };
    let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, wanted).await?;
    let caller = Caller::resolve(&claims, &mut reads)?;
    let destination = reads.destination.take();
    check_send(&caller.actor(), destination.as_ref().map(|d| &d.district))?;
    let destination = destination.ok_or(Error::DestinationUnavailable)?;

    let request_hash = B64.encode(Sha256::digest(serde_json::to_vec(&body).unwrap_or_default()));
    let mut cases: Vec<Case> = Vec::with_capacity(body.case_ids.len());
    for id in &body.case_ids {
        cases.push(reads.cases.remove(id).ok_or(Error::NotFound)?);
    }
    let now = app.clock.now();
    let blocked: Vec<CaseId> = cases.iter().filter(|c| !c.is_transferable(now)).map(|c| c.id.clone()).collect();
    if key.is_none() && !blocked.is_empty() {
        return Err(Error::CaseNotTransferable(blocked));
    }

    // Second step: the claim on the Idempotency-Key. A replay is answered before the blocked check:
    // the original request is what holds the cases.
    let transfer_id = TransferId::generate();
    let claim = match &key {
        Some(k) => app.store.claim_idempotency_key(caller.district_id(), k, &request_hash, &transfer_id, now).await?,
        None => KeyClaim::Claimed,
    };
    match claim {
        KeyClaim::Claimed => {}
        KeyClaim::Committed(record) => return replay(app, &record).await,
        KeyClaim::InProgress => return Err(Error::IdempotencyInProgress),
        KeyClaim::Reused => return Err(Error::IdempotencyKeyReused),
    }
    // From here a refusal lets go of the key, so the same request can be tried again with it.
    let refused = |e: Error| async {
        if let Some(k) = &key {
            if let Err(release) = app.store.release_idempotency_key(caller.district_id(), k, &transfer_id).await {
                tracing::warn!(error = %release, "an Idempotency-Key stays claimed until its claim runs out");
            }
        }
        e
    };
    if !blocked.is_empty() {
        return Err(refused(Error::CaseNotTransferable(blocked)).await);
    }

    let code = AuthCode::generate();
    let transfer = TransferRequest {
        id: transfer_id.clone(),
        status: TransferStatus::Pending,
        source: caller.district.as_ref(),
        destination: destination.as_ref(),
        // The history by reference (`HistorySegment`): however long, nothing is read or copied.
        cases: cases.iter().map(|c| SnapshotHeader::freeze(c, now)).collect(),
        notes,
        created_at: now,
        created_by: caller.user.as_ref(),
        sender_contact: caller.user.contact(),
        expires_at: now + chrono::Duration::days(app.config.transfer_expiry_days),
        decided_at: None,
        decided_by: None,
        reason: None,
        failed_attempts: 0,
        code: app.config.secret.hash(&code),
        code_version: 0,
        revealed: false,
        created_cases: vec![],
        record_request_id: body.record_request_id.clone(),
    };
    record_transfer(&transfer.id);
    let actor = caller.actor().event_actor();
    let event = AuditEvent {
        at: now,
        kind: EventType::Created,
        actor: actor.clone(),
        detail: Some(format!("{} case(s) to {}", transfer.cases.len(), transfer.destination.name)),
    };
    let message = outbox(EventType::Created, &transfer, actor.clone(), now);
    let fulfils = transfer.record_request_id.as_ref().map(|id| {
        let event = RequestEvent {
            at: now,
            kind: RequestEventType::Fulfilled,
            actor: actor.clone(),
            detail: Some(format!("{} case(s) sent in transfer request {}", transfer.cases.len(), transfer.id)),
        };
        let message = RequestMessage {
            id: crate::domain::OutboxId::generate(),
            record_request_id: id.clone(),
            event: RequestEventType::Fulfilled,
            at: now,
            actor,
        };
        (event, message)
    });
    let committed = app
        .store
        .create_transfer(NewTransfer {
            transfer: &transfer,
            event: &event,
            outbox: &message,
            idempotency: key.as_deref(),
            fulfils: fulfils.as_ref().map(|(e, m)| (e, m)),
            now,
        })
        .await;
    match committed {
        Ok(()) => {}
        // Held longer than a claim lasts, and taken over: the client retries and is told what happened.
        Err(SendFailure::KeyUsed) => return Err(Error::IdempotencyInProgress),
        // A definite refusal frees the key; after an unknown outcome it stays claimed (it may have
        // committed) until the claim runs out.
        Err(SendFailure::Refused(e @ Error::Unavailable(_))) => return Err(e),
        Err(SendFailure::Refused(e)) => return Err(refused(e).await),
    }
    tracing::info!(cases = transfer.cases.len(), destination = %transfer.destination.id, "transfer sent");
    let view = TransferView::new(&transfer, Side::Source, now).with_cases(&transfer, Side::Source);
    json(201, &Sent { transfer: view, auth_code: Some(code.display()) })
}

/// The same Idempotency-Key with the same body, after the first send committed: that request,
/// 200 and without a code. The code was shown once and never stored in plain text; issuing a new one
/// here would kill the one the first response showed (the sender can ask for a new one).
async fn replay(app: &App, record: &IdempotencyRecord) -> Result<Response<Body>, Error> {
    record_transfer(&record.transfer_id);
    let transfer = reload(app, &record.transfer_id).await?;
    let view = TransferView::new(&transfer, Side::Source, app.clock.now()).with_cases(&transfer, Side::Source);
    ok(&Sent { transfer: view, auth_code: None })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewCode {
    auth_code: String,
}

pub(crate) async fn regenerate(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let Loaded { caller, transfer, .. } = load(app, req, Wanted::default()).await?;
    let (_, code) = new_code(app, &caller, transfer).await?;
    ok(&NewCode { auth_code: code.display() })
}

/// Issues a new code: the old one dies, attempts reset, a lock is lifted.
async fn new_code(app: &App, caller: &Caller, transfer: TransferRequest) -> Result<(TransferRequest, AuthCode), Error> {
    settle(app, transfer, |t| async move {
        let now = app.clock.now();
        check_regenerate(&t, &caller.actor(), now)?;
        let code = AuthCode::generate();
        let hash = app.config.secret.hash(&code);
        let event =
            AuditEvent { at: now, kind: EventType::CodeRegenerated, actor: caller.actor().event_actor(), detail: None };
        match app.store.regenerate_code(&t, caller.acting(), &hash, &event, now).await {
            Ok(()) => Ok(Try::Done((t.with_new_code(hash), code))),
            Err(failure) => lost_race(failure),
        }
    })
    .await
}
