//! The `deliver` function's two inputs. The table's stream brings each outbox message as its state
//! change commits (the request that made it has already answered): this fans it out and delivers its
//! mail. The schedule is the safety net: a message the stream did not bring (a failed batch sent to the
//! dead-letter queue, a stream that was off), and mail whose delivery is due again after SES trouble.

use super::notify::{deliver_claimed, fan_out_message, run_due, DeliveryRun};
use crate::domain::notification::AnyMessage;
use crate::error::Error;
use crate::store::notifications::Mail;
use crate::App;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use futures::stream::{self, StreamExt};

/// The event source mapping's filter (`template.yaml`, `FilterCriteria`): only new outbox messages
/// reach the function. `is_outbox_message` is the same rule for consumers that cannot filter.
pub const OUTBOX_FILTER: &str = r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": ["OUTBOX"]}}}}"#;

/// A record's outcome: the mails its fan-out holds, or why it failed.
type Fanned = Result<Vec<Mail>, Error>;

/// Records of one batch handled at once.
const IN_FLIGHT: usize = 8;

pub fn is_outbox_message(record: &EventRecord) -> bool {
    let sk = record.change.keys.get("sk");
    record.event_name == "INSERT" && matches!(sk, Some(serde_dynamo::AttributeValue::S(s)) if s == "OUTBOX")
}

/// What the function answers to either input.
pub async fn handle(app: &App, payload: serde_json::Value) -> Result<serde_json::Value, Error> {
    if payload.get("Records").is_some() {
        let event: Event = serde_json::from_value(payload)
            .map_err(|e| Error::unavailable(format!("not a DynamoDB stream event: {e}")))?;
        let answer = on_stream(app, event).await;
        serde_json::to_value(answer).map_err(|e| Error::unavailable(e.to_string()))
    } else {
        let run: DeliveryRun = run_due(app).await?;
        serde_json::to_value(run).map_err(|e| Error::unavailable(e.to_string()))
    }
}

/// One batch of the stream: every record on its own, and only those that failed reported
/// (`ReportBatchItemFailures`), so one bad record never holds back the rest. A record delivered twice
/// (a retried batch, the sweeper racing) tells nobody twice: every notice and mail has a key derived
/// from its message and is written only if missing. Every record's notices are written before any
/// mail is sent, so SES being slow delays email only, never the in-app notices of the batch.
pub async fn on_stream(app: &App, event: Event) -> DynamoDbEventResponse {
    let outcomes: Vec<(Option<String>, Fanned)> = stream::iter(event.records)
        .map(|record| async move {
            let id = record.change.sequence_number.clone();
            (id, fan_out_record(app, &record).await)
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let mut answer = DynamoDbEventResponse::default();
    let mut mails = Vec::new();
    for (id, outcome) in outcomes {
        match outcome {
            Ok(claimed) => mails.extend(claimed),
            Err(e) => {
                tracing::warn!(error = %e, sequence_number = id.as_deref().unwrap_or(""), "stream record not delivered; it will be retried");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = id;
                answer.batch_item_failures.push(failure);
            }
        }
    }
    // A failed attempt is recorded on its mail and retried by the schedule: not a failed record.
    deliver_claimed(app, mails).await;
    answer
}

/// The mails this call holds once the record's message is fanned out.
async fn fan_out_record(app: &App, record: &EventRecord) -> Result<Vec<Mail>, Error> {
    if !is_outbox_message(record) {
        return Ok(Vec::new());
    }
    let message: AnyMessage = serde_dynamo::from_item(record.change.new_image.clone())
        .map_err(|e| Error::unavailable(format!("an outbox record that cannot be read: {e}")))?;
    let message = match message {
        AnyMessage::Transfer(m) => m,
        AnyMessage::Request(m) => return super::notify_requests::fan_out_request(app, &m).await,
    };
    let Some(transfer) = app.store.transfer(&message.transfer_id).await? else {
        // Written in the same transaction as its message: a message without one names nothing to tell.
        tracing::warn!(outbox_id = %message.id, "outbox message without its transfer request");
        return Ok(Vec::new());
    };
    fan_out_message(app, &message, &transfer).await
}
