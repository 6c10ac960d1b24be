//! Idempotency-Keys of sends. A send with a key first claims it (a record pending for its request);
//! the send's own transaction marks it committed. So a replay can tell "done" (answer the request
//! that exists) from "still running" (come back in a second), and two concurrent sends with one key
//! never both send (api.md v1.1, "Decisions and replays").

use crate::domain::{DistrictId, Timestamp, TransferId};
use crate::error::Error;
use crate::store::keys;
use crate::store::{conditional, from_item, n, s, table, Store};
use aws_sdk_dynamodb::types::builders::UpdateBuilder;

/// A key is remembered this long.
const KEY_SECONDS: i64 = 24 * 3600;
/// A claim whose send neither committed nor was refused in this time (the process died) is free again;
/// every request ends long before (API Gateway stops waiting after 30 s).
const CLAIM_SECONDS: i64 = 60;
const PENDING: &str = "pending";
const COMMITTED: &str = "committed";

/// What a stored Idempotency-Key remembers.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyRecord {
    pub request_hash: String,
    pub transfer_id: TransferId,
    pub state: String,
    pub ttl: i64,
}

/// What claiming a key found.
#[derive(Debug)]
pub enum KeyClaim {
    /// This send holds the key now.
    Claimed,
    /// The same request was sent with this key and committed: answer with that request.
    Committed(IdempotencyRecord),
    /// The same request is being sent right now under this key.
    InProgress,
    /// The key was used for another request.
    Reused,
}

impl Store {
    pub async fn claim_idempotency_key(
        &self,
        district: &DistrictId,
        key: &str,
        request_hash: &str,
        transfer: &TransferId,
        now: Timestamp,
    ) -> Result<KeyClaim, Error> {
        let at = now.0.timestamp();
        let mut item = keys::idempotency(district, key);
        item.insert("requestHash".into(), s(request_hash));
        item.insert("transferId".into(), s(transfer));
        item.insert("state".into(), s(PENDING));
        item.insert("pendingUntil".into(), n(at + CLAIM_SECONDS));
        item.insert(table::TTL_ATTRIBUTE.into(), n(at + KEY_SECONDS));
        let put = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            // TTL deletes late (up to days): a key past its time is free again even while it exists.
            .condition_expression(
                "attribute_not_exists(pk) OR #ttl < :now OR (#state = :pending AND pendingUntil < :now)",
            )
            .expression_attribute_names("#ttl", table::TTL_ATTRIBUTE)
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":now", n(at))
            .expression_attribute_values(":pending", s(PENDING))
            .send()
            .await;
        if conditional(put)?.is_some() {
            return Ok(KeyClaim::Claimed);
        }
        let out = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys::idempotency(district, key)))
            .consistent_read(true)
            .send()
            .await?;
        let Some(record) = out.item.map(from_item::<IdempotencyRecord>).transpose()? else {
            // Freed between the two calls (a refused send let go of it): the client may retry.
            return Ok(KeyClaim::InProgress);
        };
        Ok(if record.request_hash != request_hash {
            KeyClaim::Reused
        } else if record.state == COMMITTED {
            KeyClaim::Committed(record)
        } else {
            KeyClaim::InProgress
        })
    }

    /// A refused send lets go of its key, so that the same request may be tried again with it.
    pub async fn release_idempotency_key(
        &self,
        district: &DistrictId,
        key: &str,
        transfer: &TransferId,
    ) -> Result<(), Error> {
        let deleted = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::idempotency(district, key)))
            .condition_expression("transferId = :t AND #state = :pending")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":t", s(transfer))
            .expression_attribute_values(":pending", s(PENDING))
            .send()
            .await;
        // Not ours any more (it ran out and another send took it): nothing to let go of.
        conditional(deleted).map(|_| ())
    }
}

/// In the send's transaction: the key this send claimed is now committed to its request.
pub(super) fn commit(district: &DistrictId, key: &str, transfer: &TransferId) -> UpdateBuilder {
    UpdateBuilder::default()
        .set_key(Some(keys::idempotency(district, key)))
        .update_expression("SET #state = :committed REMOVE pendingUntil")
        .condition_expression("transferId = :t AND #state = :pending")
        .expression_attribute_names("#state", "state")
        .expression_attribute_values(":committed", s(COMMITTED))
        .expression_attribute_values(":pending", s(PENDING))
        .expression_attribute_values(":t", s(transfer))
}
