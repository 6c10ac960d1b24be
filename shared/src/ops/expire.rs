//! The expiry sweeper: pending requests past `expiresAt` become `expired`, their cases are freed,
//! the event is recorded and both sides are told. Reads already treat such a request as expired;
//! this makes it so in the table too.

use super::decide::outbox;
use super::notify;
use crate::domain::{AuditEvent, EventActor, EventType};
use crate::error::Error;
use crate::App;

/// A staged snapshot older than this with no committed send belongs to a send that failed between
/// its two steps; every request ends long before (API Gateway stops waiting after 30 s).
const ABANDONED_AFTER_MINUTES: i64 = 15;

pub async fn sweep(app: &App) -> Result<usize, Error> {
    let now = app.clock.now();
    let before = now - chrono::Duration::minutes(ABANDONED_AFTER_MINUTES);
    for transfer in app.store.uncommitted_snapshots(before, 25).await? {
        match app.store.discard_uncommitted_snapshot(&transfer).await {
            Ok(()) => tracing::info!(transfer_id = %transfer, "removed the snapshot of a send that never committed"),
            Err(e) => tracing::warn!(error = %e, transfer_id = %transfer, "abandoned snapshot not removed yet"),
        }
    }
    let mut expired = 0;
    for t in app.store.expired_pending(now, 25).await? {
        let event = AuditEvent { at: now, kind: EventType::Expired, actor: EventActor::system(), detail: None };
        let message = outbox(EventType::Expired, &t, EventActor::system(), now);
        match app.store.expire(&t, &event, &message, now).await {
            Ok(()) => {
                tracing::info!(transfer_id = %t.id, "transfer expired");
                expired += 1;
                notify::dispatch(app, &message, &t.expired(now)).await;
            }
            // Decided in the meantime: nothing to expire.
            Err(crate::store::TxFailure::Conditions(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(expired)
}
