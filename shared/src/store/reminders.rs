//! The reminders of records requests (api.md v1.2, "Deadlines") as stored: the next one an open request
//! waits for, on gsi3 `RDUE` in due-time order, and the conditional write that sends each once.

use super::keys;
use super::record_requests::{cancelled_at, event_item, message_item};
use super::{s, Item, Store};
use crate::domain::record_request::{RecordRequest, RequestEvent, RequestStatus};
use crate::domain::request_notice::RequestMessage;
use crate::domain::{RecordRequestId, Timestamp};
use crate::error::Error;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

/// The two reminders of an open request with a due date, each sent once: `due_soon` at the start of
/// its last counted day, `overdue` once it has passed. The next one waits on gsi3 `RDUE` in due-time
/// order, so the sweeper reads only what is due, never every open request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Reminder {
    DueSoon,
    Overdue,
}

pub(super) fn reminder_keys(next: Reminder, at: Timestamp, id: &RecordRequestId) -> Item {
    Item::from([
        ("gsi3pk".to_owned(), s(keys::REMINDERS_DUE)),
        ("gsi3sk".to_owned(), s(format!("{at}#{id}"))),
        ("nextReminder".to_owned(), s(<&str>::from(next))),
    ])
}

impl Store {
    /// Open requests whose next reminder is due at `now`, oldest first.
    pub async fn reminders_due(&self, now: Timestamp, limit: i32) -> Result<Vec<(Reminder, RecordRequest)>, Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Waiting {
            #[serde(flatten)]
            request: RecordRequest,
            next_reminder: Option<String>,
        }
        let items: Vec<Waiting> = self
            .index_items(super::keys::GSI3, keys::REMINDERS_DUE, Some(format!("{now}~")), false, Some(limit))
            .await?;
        let mut due = Vec::with_capacity(items.len());
        for w in items {
            let next = match w.next_reminder.as_deref() {
                Some("due_soon") => Reminder::DueSoon,
                Some("overdue") => Reminder::Overdue,
                _ => continue,
            };
            due.push((next, w.request));
        }
        Ok(due)
    }

    /// Records that `reminder` was sent, with its event and message, only if it is still the request's
    /// next one and the request is open: of two sweepers, one sends it. False: someone else did.
    pub async fn record_reminder(
        &self,
        r: &RecordRequest,
        reminder: Reminder,
        event: &RequestEvent,
        message: &RequestMessage,
    ) -> Result<bool, Error> {
        let due = r.due.ok_or_else(|| Error::unavailable("a reminder of a request without a due date"))?;
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(keys::record_request(&r.id)))
            .condition_expression("#status = :open AND nextReminder = :this")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":open", s(RequestStatus::Open.as_str()))
            .expression_attribute_values(":this", s(<&str>::from(reminder)));
        update = match reminder {
            // Overdue once the end of the due date has passed: a second after it.
            Reminder::DueSoon => update
                .update_expression("SET nextReminder = :next, gsi3sk = :at")
                .expression_attribute_values(":next", s(<&str>::from(Reminder::Overdue)))
                .expression_attribute_values(":at", s(format!("{}#{}", due.at + chrono::Duration::seconds(1), r.id))),
            Reminder::Overdue => update.update_expression("REMOVE nextReminder, gsi3pk, gsi3sk"),
        };
        let items = vec![
            TransactWriteItem::builder().update(update.build()?).build(),
            self.put(event_item(&r.id, event)?, None)?,
            self.put(message_item(message)?, None)?,
        ];
        match self.db.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(true),
            Err(e) if cancelled_at(&e, 0) => Ok(false),
            // Two sweepers at the same moment: the other one's transaction holds the item.
            Err(e) if transaction_conflict(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

/// Whether a transaction lost to another one touching the same item at the same moment.
fn transaction_conflict<R>(
    e: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        R,
    >,
) -> bool {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    match e.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
            c.cancellation_reasons().iter().any(|r| r.code() == Some("TransactionConflict"))
        }
        Some(TransactWriteItemsError::TransactionInProgressException(_)) => true,
        _ => false,
    }
}
