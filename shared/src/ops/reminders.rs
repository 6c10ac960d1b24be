//! The records requests' reminders (api.md v1.2, "Deadlines"): run by the scheduled sweeper beside
//! expiry. Each open request with a due date gets `due_soon` at the start of its last counted day and
//! `overdue` once it has passed, each exactly once however many sweeps run at once (a condition on the
//! request's next reminder), each an event of the request and an outbox message that tells people.

use crate::domain::record_request::{RequestEvent, RequestEventType};
use crate::domain::request_notice::RequestMessage;
use crate::domain::EventActor;
use crate::error::Error;
use crate::store::reminders::Reminder;
use crate::App;

/// Sends the reminders due now; returns how many this sweep sent.
pub async fn remind(app: &App) -> Result<usize, Error> {
    let now = app.clock.now();
    let mut sent = 0;
    for (reminder, r) in app.store.reminders_due(now, 25).await? {
        let kind = match reminder {
            Reminder::DueSoon => RequestEventType::DueSoon,
            Reminder::Overdue => RequestEventType::Overdue,
        };
        let detail = r.due.map(|d| format!("due {}", d.date));
        let event = RequestEvent { at: now, kind, actor: EventActor::system(), detail };
        let message = RequestMessage::new(&r, kind, EventActor::system(), now);
        if app.store.record_reminder(&r, reminder, &event, &message).await? {
            tracing::info!(record_request_id = %r.id, reminder = <&str>::from(reminder), "reminder recorded");
            sent += 1;
        }
    }
    Ok(sent)
}
