//! BatchGetItem and BatchWriteItem with their limits (100 keys, 25 writes) and unprocessed-item retries.

use super::keys::{PK, SK};
use super::{Item, Store};
use crate::error::Error;
use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest};
use std::collections::HashMap;
use std::time::Duration;

const MAX_GET: usize = 100;
const MAX_WRITE: usize = 25;
const MAX_ROUNDS: u32 = 8;
/// BatchWriteItem calls in flight at once: enough to keep a table busy, few enough that a large write
/// (an import, a snapshot) neither floods it into throttling nor holds thousands of requests in memory.
const WRITES_IN_FLIGHT: usize = 8;

/// Items found, by `(pk, sk)`.
pub type Found = HashMap<(String, String), Item>;

pub fn key_of(item: &Item) -> (String, String) {
    let get = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
    (get(PK), get(SK))
}

impl Store {
    /// One round trip for up to 100 keys (more only when DynamoDB hands back unprocessed keys).
    pub(crate) async fn batch_get(&self, keys: Vec<Item>) -> Result<Found, Error> {
        let mut found = Found::new();
        for chunk in dedup(keys).chunks(MAX_GET) {
            let mut pending = Some(KeysAndAttributes::builder().set_keys(Some(chunk.to_vec())).build()?);
            let mut round = 0;
            while let Some(request) = pending.take() {
                let out = self.db.batch_get_item().request_items(&self.table, request).send().await?;
                for item in out.responses.and_then(|mut r| r.remove(&self.table)).unwrap_or_default() {
                    found.insert(key_of(&item), item);
                }
                pending = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).filter(|k| !k.keys.is_empty());
                round += 1;
                if pending.is_some() {
                    if round >= MAX_ROUNDS {
                        return Err(Error::unavailable("BatchGetItem kept returning unprocessed keys"));
                    }
                    tokio::time::sleep(Duration::from_millis(20 << round)).await;
                }
            }
        }
        Ok(found)
    }

    /// Unconditional puts in batches of 25, for items nothing can see until a later transaction
    /// commits (snapshot chunks) and for idempotent imports.
    pub(crate) async fn batch_put(&self, items: Vec<Item>) -> Result<(), Error> {
        self.batch_put_reporting(items, &|_| {}).await
    }

    /// The same, telling `written` how many items each finished batch held (a progress bar).
    pub(crate) async fn batch_put_reporting(
        &self,
        items: Vec<Item>,
        written: &(dyn Fn(usize) + Sync),
    ) -> Result<(), Error> {
        // A batch may not name a key twice (two cases of one import share a building): the last wins.
        let mut items = items;
        items.reverse();
        let mut items = dedup(items);
        items.reverse();
        let requests = items
            .into_iter()
            .map(|item| {
                Ok(WriteRequest::builder().put_request(PutRequest::builder().set_item(Some(item)).build()?).build())
            })
            .collect::<Result<Vec<_>, Error>>()?;
        self.batch_write(requests, written).await
    }

    /// Deletes in batches of 25 (search words a changed case no longer has).
    pub(crate) async fn batch_delete(&self, keys: Vec<Item>) -> Result<(), Error> {
        let requests = keys
            .into_iter()
            .map(|key| {
                Ok(WriteRequest::builder().delete_request(DeleteRequest::builder().set_key(Some(key)).build()?).build())
            })
            .collect::<Result<Vec<_>, Error>>()?;
        self.batch_write(requests, &|_| {}).await
    }

    /// Batches of 25, `WRITES_IN_FLIGHT` at a time; the first failure stops the rest.
    async fn batch_write(&self, requests: Vec<WriteRequest>, written: &(dyn Fn(usize) + Sync)) -> Result<(), Error> {
        use futures::stream::{self, StreamExt, TryStreamExt};
        let batches: Vec<Vec<WriteRequest>> = requests.chunks(MAX_WRITE).map(<[WriteRequest]>::to_vec).collect();
        stream::iter(batches)
            .map(|batch| async move {
                let n = batch.len();
                self.write_batch(batch).await?;
                written(n);
                Ok::<(), Error>(())
            })
            .buffer_unordered(WRITES_IN_FLIGHT)
            .try_collect::<()>()
            .await
    }

    /// One batch, retrying what DynamoDB left unprocessed and what it throttled, with a growing pause
    /// (the SDK's own retries come first; these outlast a longer burst).
    async fn write_batch(&self, batch: Vec<WriteRequest>) -> Result<(), Error> {
        let mut requests = batch;
        for round in 0..MAX_ROUNDS {
            match self.db.batch_write_item().request_items(&self.table, requests.clone()).send().await {
                Ok(out) => {
                    requests = out.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
                    if requests.is_empty() {
                        return Ok(());
                    }
                }
                Err(e) if is_throttled(&e) => {}
                Err(e) => return Err(e.into()),
            }
            tokio::time::sleep(Duration::from_millis(50 << round)).await;
        }
        Err(Error::unavailable("BatchWriteItem kept throttling or returning unprocessed items"))
    }
}

fn is_throttled<E: aws_sdk_dynamodb::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_dynamodb::error::SdkError<E, R>,
) -> bool {
    matches!(
        e.as_service_error().and_then(|s| s.code()),
        Some("ProvisionedThroughputExceededException" | "ThrottlingException" | "RequestLimitExceeded")
    )
}

fn dedup(keys: Vec<Item>) -> Vec<Item> {
    let mut seen = std::collections::HashSet::new();
    keys.into_iter().filter(|k| seen.insert(key_of(k))).collect()
}
