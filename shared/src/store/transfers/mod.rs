//! Transfer requests: how their items are written, and one module per command, each committing one
//! conditional transaction (`docs/data-model.md`, "Transactions and their conditions").
//!
//! - `create`: a send, its cases frozen by reference
//! - `idempotency`: claiming and committing a send's Idempotency-Key
//! - `decide`: code attempts, a new code, reject and cancel
//! - `accept`: accept
//! - `expire`: the sweeper's expiry
//! - `query`: reads and lists

mod accept;
mod create;
mod decide;
mod expire;
mod idempotency;
mod query;

pub use accept::Acceptance;
pub use create::{NewTransfer, SendFailure};
pub use decide::{Attempt, Ending};
pub use idempotency::{IdempotencyRecord, KeyClaim};
pub use query::TransferFilter;

use super::keys;
use super::{s, to_item, to_value, Item};
use crate::domain::notification::OutboxMessage;
use crate::domain::{
    event_suffix, AuditEvent, CaseId, CaseStatus, Disclosure, DistrictId, Timestamp, TransferId, TransferRequest,
    TransferStatus, TransferredTo,
};
use crate::error::Error;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

/// The transfer item, with where it shows up: the source's and destination's lists, and the expiry
/// queue while it is pending.
fn transfer_item(t: &TransferRequest) -> Result<Item, Error> {
    let mut item = to_item(t)?;
    item.extend(keys::transfer(&t.id));
    let order = format!("{}#{}", t.created_at, t.id);
    item.insert("gsi1pk".into(), s(keys::outgoing_pk(&t.source.id)));
    item.insert("gsi1sk".into(), s(&order));
    item.insert("gsi2pk".into(), s(keys::incoming_pk(&t.destination.id)));
    item.insert("gsi2sk".into(), s(order));
    if t.status == TransferStatus::Pending {
        item.insert("gsi3pk".into(), s(keys::PENDING_TRANSFERS));
        item.insert("gsi3sk".into(), s(format!("{}#{}", t.expires_at, t.id)));
    }
    Ok(item)
}

fn event_item(transfer: &TransferId, e: &AuditEvent) -> Result<Item, Error> {
    let mut item = to_item(e)?;
    item.extend(keys::event(transfer, e.at, &event_suffix()));
    Ok(item)
}

/// An outbox message, queued (gsi3) until it is fanned out.
fn outbox_item(m: &OutboxMessage) -> Result<Item, Error> {
    let mut item = to_item(m)?;
    item.extend(keys::outbox(&m.id));
    item.insert("gsi3pk".into(), s(keys::OUTBOX_DUE));
    item.insert("gsi3sk".into(), s(format!("{}#{}", m.at, m.id)));
    Ok(item)
}

/// An update of the transfer item that only lands while it is still pending and unexpired (callers
/// may add to the condition; `:pending` and `:now` are bound).
fn pending_update(t: &TransferRequest, now: Timestamp, set: &str) -> UpdateBuilder {
    UpdateBuilder::default()
        .set_key(Some(keys::transfer(&t.id)))
        .update_expression(set)
        .condition_expression("#status = :pending AND expiresAt > :now")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":pending", s(TransferStatus::Pending.as_str()))
        .expression_attribute_values(":now", s(now.to_rfc3339()))
}

/// A source case gives up its hold on `transfer` (reject, cancel), if it is still that request's.
fn release_case(district: &DistrictId, case: &CaseId, transfer: &TransferId) -> UpdateBuilder {
    UpdateBuilder::default()
        .set_key(Some(keys::case(district, case)))
        .update_expression("REMOVE pendingTransfer")
        .condition_expression("pendingTransfer.transferId = :t")
        .expression_attribute_values(":t", s(transfer))
}

/// A source case learns what happened to it: a disclosure appended to its record, and on accept its
/// transfer out (status, where it went, its hold released, under the condition that the hold is this
/// request's).
/// What a decision does to a source case, beyond the disclosure it may record.
pub(super) enum SourceCase<'a> {
    /// Nothing more (a verify: the contents were revealed).
    Revealed,
    /// Transferred out to its new case.
    Out(&'a TransferredTo),
    /// Declined by the destination: back with its sender, free to send again.
    Returned,
}

fn source_case_update(
    district: &DistrictId,
    case: &CaseId,
    transfer: &TransferId,
    disclosure: Option<&Disclosure>,
    what: SourceCase<'_>,
) -> Result<UpdateBuilder, Error> {
    let mut sets = Vec::new();
    let mut update = UpdateBuilder::default().set_key(Some(keys::case(district, case)));
    if let Some(d) = disclosure {
        sets.push("disclosures = list_append(if_not_exists(disclosures, :none), :disclosure)");
        update = update
            .expression_attribute_values(":none", AttributeValue::L(vec![]))
            .expression_attribute_values(":disclosure", AttributeValue::L(vec![to_value(d)?]));
    }
    let held = |update: UpdateBuilder| {
        update.expression_attribute_values(":t", s(transfer)).condition_expression("pendingTransfer.transferId = :t")
    };
    let expression = match what {
        SourceCase::Out(to) => {
            sets.push("#status = :out");
            sets.push("transferredTo = :to");
            update = held(update)
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":out", s(CaseStatus::TransferredOut.as_str()))
                .expression_attribute_values(":to", to_value(to)?);
            format!("SET {} REMOVE pendingTransfer", sets.join(", "))
        }
        SourceCase::Returned if sets.is_empty() => {
            update = held(update);
            "REMOVE pendingTransfer".to_owned()
        }
        SourceCase::Returned => {
            update = held(update);
            format!("SET {} REMOVE pendingTransfer", sets.join(", "))
        }
        SourceCase::Revealed => {
            update = update.condition_expression("attribute_exists(pk)");
            format!("SET {}", sets.join(", "))
        }
    };
    Ok(update.update_expression(expression))
}

/// The record of disclosures a reveal writes into `source`'s cases, in the same transaction.
pub(super) fn record_rows(
    tx: &mut crate::store::tx::Tx,
    source: &crate::domain::DistrictId,
    rows: &[crate::domain::disclosure::DisclosureRow],
) -> Result<(), Error> {
    for (i, item) in crate::store::disclosures::row_items(source, rows)?.into_iter().enumerate() {
        tx.put(crate::store::tx::Action::Disclosure(i), item, Some("attribute_not_exists(pk)"))?;
    }
    Ok(())
}
