//! The snapshot: each sent case and its whole history, frozen in the request's partition in chunks.
//! Written before the send's transaction (first a manifest on the clean-up queue, then the chunks);
//! that transaction takes the manifest off the queue. A manifest still queued after 15 minutes belongs
//! to a send that never committed, and the sweeper removes what it wrote.

use crate::domain::{CaseId, CaseSnapshot, Entry, Timestamp, TransferId, TransferRequest};
use crate::error::Error;
use crate::store::keys::{self, GSI3, PK, SK};
use crate::store::{conditional, from_item, s, to_item, Item, Store};
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Snapshot chunks stay well under DynamoDB's 400 KB item limit, whatever the history's size.
const CHUNK_BYTES: usize = 300_000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChunkItem<'a> {
    source_case_id: &'a CaseId,
    chunk: usize,
    entries: &'a [Entry],
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChunkRead {
    source_case_id: CaseId,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    transfer_id: TransferId,
}

/// The send's transaction takes its snapshot off the clean-up queue.
pub(super) fn commit(transfer: &TransferId) -> UpdateBuilder {
    UpdateBuilder::default()
        .set_key(Some(keys::snapshot_manifest(transfer)))
        .update_expression("SET committed = :true REMOVE gsi3pk, gsi3sk")
        .condition_expression("attribute_exists(pk)")
        .expression_attribute_values(":true", AttributeValue::Bool(true))
}

impl Store {
    /// Writes a send's snapshot ahead of its transaction: the manifest, queued for clean-up, then
    /// the chunks. Returns the keys of all it wrote, to remove again after a refusal.
    pub(super) async fn stage_snapshots(
        &self,
        transfer: &TransferId,
        snapshots: &[CaseSnapshot],
        now: Timestamp,
    ) -> Result<Vec<Item>, Error> {
        let chunks = snapshot_items(transfer, snapshots)?;
        let mut written: Vec<Item> = chunks.iter().map(key_of).collect();
        written.push(keys::snapshot_manifest(transfer));
        let mut manifest = keys::snapshot_manifest(transfer);
        manifest.insert("transferId".into(), s(transfer));
        manifest.insert("stagedAt".into(), s(now.to_rfc3339()));
        manifest.insert("gsi3pk".into(), s(keys::UNCOMMITTED_SNAPSHOTS));
        manifest.insert("gsi3sk".into(), s(format!("{now}#{transfer}")));
        self.db.put_item().table_name(&self.table).set_item(Some(manifest)).send().await?;
        self.batch_put(chunks).await?;
        Ok(written)
    }

    /// The frozen cases of a transfer, in the order they were sent: one Query over its chunks.
    pub async fn snapshots(&self, t: &TransferRequest) -> Result<Vec<CaseSnapshot>, Error> {
        let pk = keys::transfer_pk(&t.id);
        let items = self.query_all(|| self.prefix_query(&pk, keys::SNAPSHOT_PREFIX)).await?;
        let mut by_case: HashMap<CaseId, Vec<Entry>> = HashMap::new();
        for item in items {
            let chunk: ChunkRead = from_item(item)?;
            by_case.entry(chunk.source_case_id).or_default().extend(chunk.entries);
        }
        Ok(t.cases
            .iter()
            .map(|h| CaseSnapshot {
                source_case_id: h.source_case_id.clone(),
                header: h.header.clone(),
                entries: by_case.remove(&h.source_case_id).unwrap_or_default(),
            })
            .collect())
    }

    /// Sends whose snapshot was staged before `before` and whose transaction never took it off the
    /// queue: a crash or an outage between the two steps (for the sweeper).
    pub async fn uncommitted_snapshots(&self, before: Timestamp, limit: i32) -> Result<Vec<TransferId>, Error> {
        let found: Vec<Manifest> =
            self.index_items(GSI3, keys::UNCOMMITTED_SNAPSHOTS, Some(before.to_rfc3339()), false, Some(limit)).await?;
        Ok(found.into_iter().map(|m| m.transfer_id).collect())
    }

    /// Removes the chunks and the manifest of a send that never committed. Its transfer item does not
    /// exist (the transaction that would create it also dequeues the manifest), so nothing refers to them.
    pub async fn discard_uncommitted_snapshot(&self, transfer: &TransferId) -> Result<(), Error> {
        if self.transfer(transfer).await?.is_some() {
            return Ok(());
        }
        let pk = keys::transfer_pk(transfer);
        let chunks =
            self.query_all(|| self.prefix_query(&pk, keys::SNAPSHOT_PREFIX).projection_expression("pk, sk")).await?;
        self.batch_delete(chunks.iter().map(key_of).collect()).await?;
        let deleted = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::snapshot_manifest(transfer)))
            .condition_expression("attribute_not_exists(committed)")
            .send()
            .await;
        // Committed after all (the transaction landed late): its snapshot stays.
        conditional(deleted).map(|_| ())
    }
}

fn key_of(item: &Item) -> Item {
    [PK, SK].iter().filter_map(|k| item.get(*k).map(|v| (k.to_string(), v.clone()))).collect()
}

/// Splits each snapshot's history into items of at most `CHUNK_BYTES` (measured as JSON, which is
/// larger than DynamoDB's own size accounting), so no item nears the 400 KB limit.
fn snapshot_items(transfer: &TransferId, snapshots: &[CaseSnapshot]) -> Result<Vec<Item>, Error> {
    let mut items = Vec::new();
    for snap in snapshots {
        let mut push = |entries: &[Entry], chunk: usize| -> Result<(), Error> {
            let mut item = to_item(&ChunkItem { source_case_id: &snap.source_case_id, chunk, entries })?;
            item.extend(keys::snapshot_chunk(transfer, &snap.source_case_id, chunk));
            items.push(item);
            Ok(())
        };
        let (mut start, mut chunk, mut size) = (0, 0, 0);
        for (i, e) in snap.entries.iter().enumerate() {
            let len = serde_json::to_vec(e).map(|v| v.len()).unwrap_or(CHUNK_BYTES);
            if size + len > CHUNK_BYTES && i > start {
                push(&snap.entries[start..i], chunk)?;
                chunk += 1;
                start = i;
                size = 0;
            }
            size += len;
        }
        push(&snap.entries[start..], chunk)?;
    }
    Ok(items)
}
