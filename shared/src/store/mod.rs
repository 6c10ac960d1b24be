//! The single-table DynamoDB adapter. Every item type, key, index and access pattern is described in
//! `docs/data-model.md`; this module is that document in code. Queries only, never Scan; every write
//! conditional; every state change one `TransactWriteItems`.

mod batch;
pub mod case_values;
mod case_words;
pub mod cases;
pub mod cursor;
pub mod directory;
pub mod disclosures;
pub mod districts;
pub mod history;
pub mod import;
pub mod keys;
pub mod notifications;
pub mod page;
pub mod parent_notices;
pub mod record_requests;
pub mod reminders;
pub mod settings;
pub mod students;
pub mod table;
pub mod transfers;
mod tx;
pub mod users;
pub use districts::{CallerReads, Wanted};
pub use transfers::Attempt;
pub use tx::{ActingUser, Action, TxFailure};

use crate::error::Error;
use aws_sdk_dynamodb::error::{BuildError, DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;

pub use cursor::{CursorKey, Scope};
pub use page::Page;

pub type Item = HashMap<String, AttributeValue>;

#[derive(Clone)]
pub struct Store {
    pub(crate) db: Client,
    pub(crate) table: String,
    pub(crate) cursors: CursorKey,
}

impl Store {
    pub fn new(db: Client, table: impl Into<String>, cursors: CursorKey) -> Self {
        Store { db, table: table.into(), cursors }
    }

    pub fn client(&self) -> &Client {
        &self.db
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    /// The same table through another client (a consumer of its stream, with a client of its own).
    pub fn with_client(&self, db: Client) -> Store {
        Store { db, table: self.table.clone(), cursors: self.cursors.clone() }
    }

    pub(crate) async fn get(&self, key: Item) -> Result<Option<Item>, Error> {
        let out = self.db.get_item().table_name(&self.table).set_key(Some(key)).send().await?;
        Ok(out.item)
    }
}

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub(crate) fn to_item<T: Serialize>(value: &T) -> Result<Item, Error> {
    serde_dynamo::to_item(value).map_err(|e| Error::unavailable(format!("serialising an item: {e}")))
}

pub(crate) fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, Error> {
    serde_dynamo::from_item(item).map_err(|e| Error::unavailable(format!("reading a stored item: {e}")))
}

pub(crate) fn to_value<T: Serialize>(value: &T) -> Result<AttributeValue, Error> {
    serde_dynamo::to_attribute_value(value).map_err(|e| Error::unavailable(format!("serialising a value: {e}")))
}

pub(crate) fn string_attr(item: &Item, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

/// A conditional write's outcome: its output, or `None` when its condition did not hold (which the
/// caller expected could happen); any other error is an error.
pub(crate) fn conditional<T, E, R>(result: Result<T, SdkError<E, R>>) -> Result<Option<T>, Error>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(out) => Ok(Some(out)),
        Err(e) if notifications::is_condition_failure(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Throttling and outages surface as 503 `unavailable`; the SDK's detail goes to the log only.
impl<E, R> From<SdkError<E, R>> for Error
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    fn from(err: SdkError<E, R>) -> Self {
        Error::unavailable(DisplayErrorContext(err))
    }
}

impl From<BuildError> for Error {
    fn from(err: BuildError) -> Self {
        Error::unavailable(format!("building a DynamoDB request: {err}"))
    }
}
