//! The `deliver` function's two inputs. The table's stream brings each outbox message as its state
//! change commits (the request that made it has already answered): this fans it out and delivers its
//! mail. The schedule is the safety net: a message the stream did not bring (a failed batch sent to the
//! dead-letter queue, a stream that was off), and mail whose delivery is due again after SES trouble.

use super::notify::{fan_out_and_deliver, run_due, DeliveryRun};
use crate::domain::notification::OutboxMessage;
use crate::error::Error;
use crate::App;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use futures::stream::{self, StreamExt};

/// The event source mapping's filter (`template.yaml`, `FilterCriteria`): only new outbox messages
/// reach the function. `is_outbox_message` is the same rule for consumers that cannot filter.
pub const OUTBOX_FILTER: &str = r#"{"eventName": ["INSERT"], "dynamodb": {"Keys": {"sk": {"S": ["OUTBOX"]}}}}"#;

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
/// from its message and is written only if missing.
pub async fn on_stream(app: &App, event: Event) -> DynamoDbEventResponse {
    let outcomes: Vec<(Option<String>, Result<(), Error>)> = stream::iter(event.records)
        .map(|record| async move {
            let id = record.change.sequence_number.clone();
            (id, deliver_record(app, &record).await)
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let mut answer = DynamoDbEventResponse::default();
    for (id, outcome) in outcomes {
        if let Err(e) = outcome {
            tracing::warn!(error = %e, sequence_number = id.as_deref().unwrap_or(""), "stream record not delivered; it will be retried");
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = id;
            answer.batch_item_failures.push(failure);
        }
    }
    answer
}

async fn deliver_record(app: &App, record: &EventRecord) -> Result<(), Error> {
    if !is_outbox_message(record) {
        return Ok(());
    }
    let message: OutboxMessage = serde_dynamo::from_item(record.change.new_image.clone())
        .map_err(|e| Error::unavailable(format!("an outbox record that cannot be read: {e}")))?;
    let Some(transfer) = app.store.transfer(&message.transfer_id).await? else {
        // Written in the same transaction as its message: a message without one names nothing to tell.
        tracing::warn!(outbox_id = %message.id, "outbox message without its transfer request");
        return Ok(());
    };
    fan_out_and_deliver(app, &message, &transfer).await.map(|_| ())
}
