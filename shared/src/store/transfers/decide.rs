//! Deciding a pending request short of accepting it: a code attempt, a new code, reject and cancel.
//! Each is one transaction guarded by what the request looked like when the domain decided.

use super::{event_item, outbox_item, pending_update, release_case, source_case_update, SourceCase};
use crate::domain::notification::OutboxMessage;
use crate::domain::{AuditEvent, CodeHash, Disclosure, Timestamp, TransferRequest, TransferStatus, UserRef};
use crate::store::tx::{ActingUser, Action, TxFailure};
use crate::store::{n, s, to_value, Store};
use aws_sdk_dynamodb::types::AttributeValue;

/// What a code attempt records.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    Wrong,
    /// A right code on a request whose contents were already revealed.
    Right,
    /// The first right code: the contents are revealed now, and each source case records it.
    FirstRight(&'a Disclosure),
}

/// Reject or cancel, as committed.
pub struct Ending<'a> {
    pub status: TransferStatus,
    pub by: &'a UserRef,
    pub reason: Option<&'a str>,
    pub event: &'a AuditEvent,
    pub outbox: &'a OutboxMessage,
    pub now: Timestamp,
}

impl Store {
    /// A code attempt: a wrong one counts (and may lock), a right one reveals the snapshots to the
    /// destination. Guarded so that it counts against the code and attempt count it was checked on.
    /// The first right code also records the disclosure on every source case, once: the request must
    /// still be unrevealed for that write to land.
    pub async fn record_attempt(
        &self,
        t: &TransferRequest,
        by: ActingUser<'_>,
        attempt: Attempt<'_>,
        event: &AuditEvent,
        outbox: Option<&OutboxMessage>,
        now: Timestamp,
    ) -> Result<(), TxFailure> {
        let set = if matches!(attempt, Attempt::Wrong) { "SET failedAttempts = :next" } else { "SET revealed = :true" };
        let mut condition =
            String::from("#status = :pending AND expiresAt > :now AND codeVersion = :cv AND failedAttempts = :seen");
        if matches!(attempt, Attempt::FirstRight(_)) {
            condition.push_str(" AND revealed = :false");
        }
        let mut update = pending_update(t, now, set)
            .condition_expression(condition)
            .expression_attribute_values(":cv", n(t.code_version))
            .expression_attribute_values(":seen", n(t.failed_attempts));
        update = match attempt {
            Attempt::Wrong => update.expression_attribute_values(":next", n(t.failed_attempts + 1)),
            Attempt::Right => update.expression_attribute_values(":true", AttributeValue::Bool(true)),
            Attempt::FirstRight(_) => update
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":false", AttributeValue::Bool(false)),
        };
        let mut tx = self.tx();
        tx.update(Action::Transfer, update)?.put(Action::Event, event_item(&t.id, event)?, None)?;
        if let Some(m) = outbox {
            tx.put(Action::Outbox, outbox_item(m)?, None)?;
        }
        if let Attempt::FirstRight(disclosure) = attempt {
            super::record_rows(&mut tx, &t.source.id, &t.disclosure_rows(&disclosure.by, disclosure.at))?;
            for id in t.case_ids() {
                tx.update(
                    Action::SourceCase(id.clone()),
                    source_case_update(&t.source.id, id, &t.id, Some(disclosure), SourceCase::Revealed)?,
                )?;
            }
        }
        tx.made_by(by)?;
        self.commit(tx).await
    }

    /// A new code: the old one stops working, the attempt count resets and a lock is lifted.
    pub async fn regenerate_code(
        &self,
        t: &TransferRequest,
        by: ActingUser<'_>,
        code: &CodeHash,
        event: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), TxFailure> {
        let update = pending_update(t, now, "SET code = :code, failedAttempts = :zero, codeVersion = :cv")
            .condition_expression("#status = :pending AND expiresAt > :now AND codeVersion = :seen")
            .expression_attribute_values(":code", to_value(code)?)
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":cv", n(t.code_version + 1))
            .expression_attribute_values(":seen", n(t.code_version));
        let mut tx = self.tx();
        tx.update(Action::Transfer, update)?.put(Action::Event, event_item(&t.id, event)?, None)?.made_by(by)?;
        self.commit(tx).await
    }

    /// Reject or cancel: the request ends, its cases are free again.
    pub async fn end_transfer(
        &self,
        t: &TransferRequest,
        acting: ActingUser<'_>,
        end: Ending<'_>,
    ) -> Result<(), TxFailure> {
        let Ending { status, by, reason, event, outbox, now } = end;
        let set = match reason {
            Some(_) => "SET #status = :new, decidedAt = :now, decidedBy = :by, reason = :reason REMOVE gsi3pk, gsi3sk",
            None => "SET #status = :new, decidedAt = :now, decidedBy = :by REMOVE gsi3pk, gsi3sk, reason",
        };
        let mut update = pending_update(t, now, set)
            .expression_attribute_values(":new", s(status.as_str()))
            .expression_attribute_values(":by", to_value(by)?);
        if let Some(r) = reason {
            update = update.expression_attribute_values(":reason", s(r));
        }
        let mut tx = self.tx();
        tx.update(Action::Transfer, update)?;
        for id in t.case_ids() {
            tx.update(Action::SourceCase(id.clone()), release_case(&t.source.id, id, &t.id))?;
        }
        tx.put(Action::Event, event_item(&t.id, event)?, None)?
            .put(Action::Outbox, outbox_item(outbox)?, None)?
            .made_by(acting)?;
        self.commit(tx).await
    }
}
