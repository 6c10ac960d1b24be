//! The expiry sweeper: pending requests past `expiresAt` become `expired`, their cases are freed,
//! the event is recorded, and its outbox message (in the same transaction) tells both sides through
//! the table's stream. Reads already treat such a request as expired;
//! this makes it so in the table too.

use super::decide::outbox;
use crate::domain::{AuditEvent, EventActor, EventType};
use crate::error::Error;
use crate::App;

pub async fn sweep(app: &App) -> Result<usize, Error> {
    let now = app.clock.now();
    let mut expired = 0;
    for t in app.store.expired_pending(now, 25).await? {
        let event = AuditEvent { at: now, kind: EventType::Expired, actor: EventActor::system(), detail: None };
        let message = outbox(EventType::Expired, &t, EventActor::system(), now);
        match app.store.expire(&t, &event, &message, now).await {
            Ok(()) => {
                tracing::info!(transfer_id = %t.id, "transfer expired");
                expired += 1;
            }
            // Decided in the meantime: nothing to expire.
            Err(crate::store::TxFailure::Conditions(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(expired)
}
