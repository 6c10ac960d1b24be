//! Sending: one transaction for the request (its cases frozen by reference, see
//! `domain::HistorySegment`), the holds on its cases, its event, its outbox message and its
//! Idempotency-Key, guarded by the sender's permission and both districts' settings.

use super::{event_item, idempotency, outbox_item, transfer_item};
use crate::domain::notification::OutboxMessage;
use crate::domain::record_request::{RequestEvent, RequestStatus};
use crate::domain::request_notice::RequestMessage;
use crate::domain::{
    AuditEvent, CaseStatus, DistrictId, PendingTransfer, RecordRequestId, Timestamp, TransferRequest, UserRef,
};
use crate::error::Error;
use crate::store::keys;
use crate::store::tx::{ActingUser, Action, TxFailure};
use crate::store::{s, to_value, Store};
use aws_sdk_dynamodb::types::builders::{ConditionCheckBuilder, UpdateBuilder};
use aws_sdk_dynamodb::types::AttributeValue;

/// What sending commits.
pub struct NewTransfer<'a> {
    pub transfer: &'a TransferRequest,
    pub event: &'a AuditEvent,
    pub outbox: &'a OutboxMessage,
    /// The Idempotency-Key this send claimed (`Store::claim_idempotency_key`).
    pub idempotency: Option<&'a str>,
    /// The records request this send answers: fulfilled in the same transaction, with its event and
    /// the message that tells the requester.
    pub fulfils: Option<(&'a RequestEvent, &'a RequestMessage)>,
    pub now: Timestamp,
}

/// The request becomes fulfilled and gains the transfer, only if it is still one this send may answer:
/// addressed to the sender's district, from the destination, open or already fulfilled.
fn fulfil(
    t: &TransferRequest,
    request: &RecordRequestId,
    by: &UserRef,
    now: Timestamp,
) -> Result<UpdateBuilder, Error> {
    Ok(UpdateBuilder::default()
        .set_key(Some(keys::record_request(request)))
        .condition_expression(
            "(#status = :open OR #status = :fulfilled) AND #recipient.#id = :source AND #requesting.#id = :destination",
        )
        .update_expression(
            "SET #status = :fulfilled, transferIds = list_append(if_not_exists(transferIds, :none), :transfer), \
             decidedAt = if_not_exists(decidedAt, :now), decidedBy = if_not_exists(decidedBy, :by) \
             REMOVE gsi3pk, gsi3sk, nextReminder",
        )
        .expression_attribute_names("#status", "status")
        .expression_attribute_names("#recipient", "recipientDistrict")
        .expression_attribute_names("#requesting", "requestingDistrict")
        .expression_attribute_names("#id", "id")
        .expression_attribute_values(":open", s(RequestStatus::Open.as_str()))
        .expression_attribute_values(":fulfilled", s(RequestStatus::Fulfilled.as_str()))
        .expression_attribute_values(":source", s(t.source.id.as_str()))
        .expression_attribute_values(":destination", s(t.destination.id.as_str()))
        .expression_attribute_values(":none", AttributeValue::L(vec![]))
        .expression_attribute_values(":transfer", AttributeValue::L(vec![s(t.id.as_str())]))
        .expression_attribute_values(":now", s(now.to_rfc3339()))
        .expression_attribute_values(":by", to_value(by)?))
}

/// Why a send did not commit.
#[derive(Debug)]
pub enum SendFailure {
    /// The Idempotency-Key this send claimed is no longer its own (its claim ran out).
    KeyUsed,
    Refused(Error),
}

impl From<Error> for SendFailure {
    fn from(e: Error) -> Self {
        SendFailure::Refused(e)
    }
}

fn district_on(district: &DistrictId) -> ConditionCheckBuilder {
    ConditionCheckBuilder::default()
        .set_key(Some(keys::district(district)))
        .condition_expression("transfersEnabled = :true")
        .expression_attribute_values(":true", AttributeValue::Bool(true))
}

impl Store {
    pub async fn create_transfer(&self, new: NewTransfer<'_>) -> Result<(), SendFailure> {
        let t = new.transfer;
        let sender = ActingUser { district: &t.source.id, user: &t.created_by.id };
        let mut tx = self.tx();
        tx.put(Action::Transfer, transfer_item(t)?, Some("attribute_not_exists(pk)"))?
            .made_by(sender)?
            .check(Action::SourceDistrict, district_on(&t.source.id))?
            .check(Action::DestinationDistrict, district_on(&t.destination.id))?
            .put(Action::Event, event_item(&t.id, new.event)?, None)?
            .put(Action::Outbox, outbox_item(new.outbox)?, None)?;
        if let Some(key) = new.idempotency {
            tx.update(Action::IdempotencyKey, idempotency::commit(&t.source.id, key, &t.id))?;
        }
        if let (Some(request), Some((event, message))) = (&t.record_request_id, new.fulfils) {
            use crate::store::record_requests::{event_item, message_item};
            tx.update(Action::RecordRequest, fulfil(t, request, &t.created_by, new.now)?)?;
            tx.put(Action::RecordRequestEvent, event_item(request, event)?, None)?;
            tx.put(Action::RecordRequestOutbox, message_item(message)?, None)?;
            // FERPA 99.32(a)(1): the request for access is recorded with each case sent to answer it.
            super::record_rows(&mut tx, &t.source.id, &t.request_rows(new.now))?;
        }
        let hold = to_value(&PendingTransfer { transfer_id: t.id.clone(), until: t.expires_at })?;
        for id in t.case_ids() {
            let hold = UpdateBuilder::default()
                .set_key(Some(keys::case(&t.source.id, id)))
                .update_expression("SET pendingTransfer = :hold")
                .condition_expression(
                    "attribute_exists(pk) AND #status <> :out AND \
                     (attribute_not_exists(pendingTransfer) OR pendingTransfer.#until <= :now)",
                )
                .expression_attribute_names("#status", "status")
                .expression_attribute_names("#until", "until")
                .expression_attribute_values(":hold", hold.clone())
                .expression_attribute_values(":out", s(CaseStatus::TransferredOut.as_str()))
                .expression_attribute_values(":now", s(new.now.to_rfc3339()));
            tx.update(Action::SourceCase(id.clone()), hold)?;
        }
        let outcome = self.commit(tx).await;
        match outcome {
            Ok(()) => Ok(()),
            Err(failure @ TxFailure::Conditions(_)) => Err(refusal(&failure)),
            Err(other) => Err(SendFailure::Refused(other.into())),
        }
    }
}

/// What the failed conditions of a send mean to the sender.
fn refusal(failure: &TxFailure) -> SendFailure {
    let TxFailure::Conditions(failed) = failure else {
        return SendFailure::Refused(Error::unavailable("send refused"));
    };
    if failed.contains(&Action::IdempotencyKey) {
        return SendFailure::KeyUsed;
    }
    let held: Vec<_> = failed
        .iter()
        .filter_map(|a| match a {
            Action::SourceCase(id) => Some(id.clone()),
            _ => None,
        })
        .collect();
    SendFailure::Refused(if failed.contains(&Action::RecordRequest) {
        Error::RecordRequestMismatch(
            "the records request is not an open one addressed to your district by the destination".into(),
        )
    } else if failed.contains(&Action::SourceDistrict) {
        Error::TransfersDisabled
    } else if failed.contains(&Action::DestinationDistrict) {
        Error::DestinationUnavailable
    } else if !held.is_empty() {
        Error::CaseNotTransferable(held)
    } else {
        Error::unavailable(format!("send refused by {failed:?}"))
    })
}
