//! The sweeper's expiry: pending requests past `expiresAt` become `expired`. Their cases are already
//! free by their own expiry time; their holds are cleared after, one conditional update each.

use super::{event_item, outbox_item, release_case};
use crate::domain::notification::OutboxMessage;
use crate::domain::{AuditEvent, Timestamp, TransferRequest, TransferStatus};
use crate::error::Error;
use crate::store::keys::{self, GSI3};
use crate::store::tx::{Action, TxFailure};
use crate::store::{s, Store};
use aws_sdk_dynamodb::types::builders::UpdateBuilder;

impl Store {
    /// Pending requests whose expiry has passed, oldest first: one Query on gsi3.
    pub async fn expired_pending(&self, now: Timestamp, limit: i32) -> Result<Vec<TransferRequest>, Error> {
        // Expired means `expiresAt <= now`; `~` sorts after the `#id` that follows the time.
        self.index_items(GSI3, keys::PENDING_TRANSFERS, Some(format!("{now}~")), false, Some(limit)).await
    }

    pub async fn expire(
        &self,
        t: &TransferRequest,
        event: &AuditEvent,
        outbox: &OutboxMessage,
        now: Timestamp,
    ) -> Result<(), TxFailure> {
        let update = UpdateBuilder::default()
            .set_key(Some(keys::transfer(&t.id)))
            .update_expression("SET #status = :expired, decidedAt = :now REMOVE gsi3pk, gsi3sk")
            .condition_expression("#status = :pending AND expiresAt <= :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s(TransferStatus::Pending.as_str()))
            .expression_attribute_values(":expired", s(TransferStatus::Expired.as_str()))
            .expression_attribute_values(":now", s(now.to_rfc3339()));
        let mut tx = self.tx();
        tx.update(Action::Transfer, update)?.put(Action::Event, event_item(&t.id, event)?, None)?.put(
            Action::Outbox,
            outbox_item(outbox)?,
            None,
        )?;
        self.commit(tx).await?;
        for id in t.case_ids() {
            let release = release_case(&t.source.id, id, &t.id);
            let (key, expression, condition, values) = (
                release.get_key().clone(),
                release.get_update_expression().clone(),
                release.get_condition_expression().clone(),
                release.get_expression_attribute_values().clone(),
            );
            let released = self
                .db
                .update_item()
                .table_name(&self.table)
                .set_key(key)
                .set_update_expression(expression)
                .set_condition_expression(condition)
                .set_expression_attribute_values(values)
                .send()
                .await;
            if let Err(e) = released {
                // Already sent again in a newer transfer: that hold is not ours to clear.
                tracing::debug!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(e), "case hold not cleared");
            }
        }
        Ok(())
    }
}
