//! Accept: one transaction that decides the request (its case numbers were reserved before, see
//! `Store::reserve_case_numbers`), creates the new cases, marks each source case it took transferred
//! out and gives each it declined back to its sender (with the disclosure when no verify recorded it),
//! and records the events, the outbox message and, on a first reveal, the record of disclosures. 25
//! cases make at most 80 actions, under DynamoDB's limit of 100.

use super::{event_item, outbox_item, pending_update, source_case_update, SourceCase};
use crate::domain::notification::OutboxMessage;
use crate::domain::{
    AuditEvent, Case, CaseOutcome, Disclosure, DistrictRef, Timestamp, TransferRequest, TransferStatus, TransferredTo,
    UserRef, MAX_FAILED_ATTEMPTS,
};
use crate::store::case_values::value_items;
use crate::store::case_words::word_items;
use crate::store::cases::case_item;
use crate::store::keys;
use crate::store::tx::{ActingUser, Action, TxFailure};
use crate::store::{n, s, to_value, Store};
use aws_sdk_dynamodb::types::builders::ConditionCheckBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

/// Accept, as the destination commits it.
pub struct Acceptance<'a> {
    /// The request as the domain saw it when it decided.
    pub transfer: &'a TransferRequest,
    /// The same request as the accept leaves it (`TransferRequest::accepted`): each case's outcome, the
    /// cases created.
    pub decided: &'a TransferRequest,
    pub acting: ActingUser<'a>,
    pub by: &'a UserRef,
    pub destination: DistrictRef,
    pub new_cases: &'a [Case],
    /// One `returned` event for each case the destination declined.
    pub returned: &'a [AuditEvent],
    /// Recorded on the source cases when no verify revealed the contents first.
    pub disclosure: Option<&'a Disclosure>,
    pub event: &'a AuditEvent,
    pub outbox: &'a OutboxMessage,
    pub now: Timestamp,
}

impl Store {
    pub async fn accept(&self, a: Acceptance<'_>) -> Result<(), TxFailure> {
        let t = a.transfer;
        let created = &a.decided.created_cases;
        let mut condition =
            String::from("#status = :pending AND expiresAt > :now AND codeVersion = :cv AND failedAttempts < :max");
        if !t.revealed {
            // The disclosure is recorded below: only if no verify recorded it in the meantime.
            condition.push_str(" AND revealed = :false");
        }
        let mut update = pending_update(
            t,
            a.now,
            "SET #status = :accepted, decidedAt = :now, decidedBy = :by, revealed = :true, createdCases = :created, \
             cases = :cases REMOVE gsi3pk, gsi3sk",
        )
        .condition_expression(condition)
        .expression_attribute_values(":accepted", s(TransferStatus::Accepted.as_str()))
        .expression_attribute_values(":by", to_value(a.by)?)
        .expression_attribute_values(":true", AttributeValue::Bool(true))
        .expression_attribute_values(":created", to_value(created)?)
        .expression_attribute_values(":cases", to_value(&a.decided.cases)?)
        .expression_attribute_values(":cv", n(t.code_version))
        .expression_attribute_values(":max", n(MAX_FAILED_ATTEMPTS));
        if !t.revealed {
            update = update.expression_attribute_values(":false", AttributeValue::Bool(false));
        }
        // Switched OFF since the numbers were reserved: no accept.
        let still_on = ConditionCheckBuilder::default()
            .set_key(Some(keys::district(&a.destination.id)))
            .condition_expression("transfersEnabled = :true")
            .expression_attribute_values(":true", AttributeValue::Bool(true));
        let mut tx = self.tx();
        tx.update(Action::Transfer, update)?
            .check(Action::DestinationDistrict, still_on)?
            .put(Action::Event, event_item(&t.id, a.event)?, None)?
            .put(Action::Outbox, outbox_item(a.outbox)?, None)?;
        for (c, made) in a.new_cases.iter().zip(created) {
            tx.put(Action::NewCase(c.id.clone()), case_item(c)?, Some("attribute_not_exists(pk)"))?;
            let to = TransferredTo {
                district: a.destination.clone(),
                transfer_id: t.id.clone(),
                case_id: made.case_id.clone(),
                case_number: made.case_number.clone(),
                at: a.now,
            };
            let out = SourceCase::Out(&to);
            let source = source_case_update(&t.source.id, &made.source_case_id, &t.id, a.disclosure, out)?;
            tx.update(Action::SourceCase(made.source_case_id.clone()), source)?;
        }
        // A declined case goes back to its sender as it was before the send (its contents were revealed,
        // so the disclosure stays recorded on it too).
        for case in a.decided.cases.iter().filter(|c| c.outcome == Some(CaseOutcome::Declined)) {
            let id = &case.source_case_id;
            let back = source_case_update(&t.source.id, id, &t.id, a.disclosure, SourceCase::Returned)?;
            tx.update(Action::SourceCase(id.clone()), back)?;
        }
        if let Some(d) = a.disclosure {
            super::record_rows(&mut tx, &t.source.id, &t.disclosure_rows(&d.by, d.at))?;
        }
        for (i, returned) in a.returned.iter().enumerate() {
            tx.put(Action::Returned(i), event_item(&t.id, returned)?, None)?;
        }
        tx.made_by(a.acting)?;
        // The new cases' search words (and staff values), before the transaction (they do not fit in it: about a dozen a
        // case). Should it be refused, they point at cases that do not exist or have other numbers,
        // which search checks and skips (`store::case_words`).
        let index = a.new_cases.iter().flat_map(|c| word_items(c).into_iter().chain(value_items(c)));
        self.batch_put(index.collect()).await?;
        self.commit(tx).await
    }
}
