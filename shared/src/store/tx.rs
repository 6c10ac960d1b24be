//! TransactWriteItems through a small builder that labels each action, so that a cancellation reads as
//! "the case was held" or "the destination switched off" by what the failed action was, never by its
//! position in the request.

use super::{s, Item, Store};
use crate::domain::{CaseId, DistrictId, Permission, UserId};
use crate::error::Error;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::builders::{ConditionCheckBuilder, PutBuilder, UpdateBuilder};
use aws_sdk_dynamodb::types::TransactWriteItem;

/// DynamoDB's limit on actions in one transaction.
pub const MAX_ACTIONS: usize = 100;

/// What an action of a transaction is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Transfer,
    /// The acting user's Manage Cases permission, re-checked inside the transaction.
    ActingUser,
    SourceDistrict,
    DestinationDistrict,
    Event,
    Outbox,
    IdempotencyKey,
    SourceCase(CaseId),
    NewCase(CaseId),
    /// The `returned` event of the n-th declined case.
    Returned(usize),
    /// The records request a send fulfils, and its `fulfilled` event.
    RecordRequest,
    RecordRequestEvent,
    RecordRequestOutbox,
    /// The n-th row of the record of disclosures a reveal or a fulfilling send writes.
    Disclosure(usize),
    ParentNotice,
    DistrictAudit,
    /// The user an administrator creates or changes.
    User,
    /// Another active administrator, counted on by a change that removes one.
    OtherAdmin,
    /// The district's profile or calendar a settings change writes.
    Settings,
}

/// Why a transaction did not commit.
#[derive(Debug)]
pub enum TxFailure {
    /// Conditions failed: the actions whose conditions did.
    Conditions(Vec<Action>),
    /// Another transaction touched the same items at the same moment; nothing was written.
    Conflict,
    /// Anything else; for a DynamoDB error the transaction may or may not have committed.
    Other(Error),
}

impl TxFailure {
    pub fn failed(&self, action: &Action) -> bool {
        matches!(self, TxFailure::Conditions(failed) if failed.contains(action))
    }
}

impl From<TxFailure> for Error {
    fn from(f: TxFailure) -> Self {
        match f {
            TxFailure::Conditions(a) => Error::unavailable(format!("transaction conditions failed: {a:?}")),
            TxFailure::Conflict => Error::unavailable("transaction conflict"),
            TxFailure::Other(e) => e,
        }
    }
}

impl From<Error> for TxFailure {
    fn from(e: Error) -> Self {
        TxFailure::Other(e)
    }
}

/// The user a state change is made by. Their Manage Cases permission is re-checked inside the
/// transaction, so a permission revoked between the read and the write stops the write.
#[derive(Debug, Clone, Copy)]
pub struct ActingUser<'a> {
    pub district: &'a DistrictId,
    pub user: &'a UserId,
}

/// One transaction being put together; `Store::commit` sends it.
pub(crate) struct Tx {
    table: String,
    actions: Vec<(Action, TransactWriteItem)>,
}

impl Tx {
    pub fn put(&mut self, action: Action, item: Item, condition: Option<&str>) -> Result<&mut Self, Error> {
        let put = PutBuilder::default().table_name(&self.table).set_item(Some(item));
        let put = match condition {
            Some(c) => put.condition_expression(c),
            None => put,
        };
        self.actions.push((action, TransactWriteItem::builder().put(put.build()?).build()));
        Ok(self)
    }

    /// A put whose condition names attributes or values (`put` takes a bare condition).
    pub fn put_guarded(&mut self, action: Action, put: PutBuilder) -> Result<&mut Self, Error> {
        let put = put.table_name(&self.table).build()?;
        self.actions.push((action, TransactWriteItem::builder().put(put).build()));
        Ok(self)
    }

    pub fn update(&mut self, action: Action, update: UpdateBuilder) -> Result<&mut Self, Error> {
        let update = update.table_name(&self.table).build()?;
        self.actions.push((action, TransactWriteItem::builder().update(update).build()));
        Ok(self)
    }

    pub fn check(&mut self, action: Action, check: ConditionCheckBuilder) -> Result<&mut Self, Error> {
        let check = check.table_name(&self.table).build()?;
        self.actions.push((action, TransactWriteItem::builder().condition_check(check).build()));
        Ok(self)
    }

    /// The acting user must still hold Manage Cases when the transaction lands.
    pub fn made_by(&mut self, by: ActingUser<'_>) -> Result<&mut Self, Error> {
        self.made_by_holding(by, Permission::ManageCases)
    }

    /// The acting user must still be active and hold `permission` when the transaction lands.
    pub fn made_by_holding(&mut self, by: ActingUser<'_>, permission: Permission) -> Result<&mut Self, Error> {
        self.check(
            Action::ActingUser,
            ConditionCheckBuilder::default()
                .set_key(Some(super::keys::user(by.district, by.user)))
                .condition_expression(
                    "contains(#permissions, :held) AND (attribute_not_exists(active) OR active = :on)",
                )
                .expression_attribute_names("#permissions", "permissions")
                .expression_attribute_values(":held", s(<&str>::from(permission)))
                .expression_attribute_values(":on", aws_sdk_dynamodb::types::AttributeValue::Bool(true)),
        )
    }
}

impl Store {
    pub(crate) fn tx(&self) -> Tx {
        Tx { table: self.table.clone(), actions: Vec::new() }
    }

    /// Sends the transaction. A failed permission check is `forbidden` whatever else failed with it.
    pub(crate) async fn commit(&self, tx: Tx) -> Result<(), TxFailure> {
        if tx.actions.len() > MAX_ACTIONS {
            return Err(TxFailure::Other(Error::unavailable(format!(
                "{} actions in one transaction",
                tx.actions.len()
            ))));
        }
        let (labels, actions): (Vec<Action>, Vec<TransactWriteItem>) = tx.actions.into_iter().unzip();
        match self.db.transact_write_items().set_transact_items(Some(actions)).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) => match e.into_err() {
                TransactWriteItemsError::TransactionCanceledException(c) => {
                    let reasons = c.cancellation_reasons.unwrap_or_default();
                    let failed: Vec<Action> = reasons
                        .iter()
                        .zip(&labels)
                        .filter(|(r, _)| r.code.as_deref() == Some("ConditionalCheckFailed"))
                        .map(|(_, label)| label.clone())
                        .collect();
                    if failed.contains(&Action::ActingUser) {
                        Err(TxFailure::Other(Error::Forbidden))
                    } else if !failed.is_empty() {
                        Err(TxFailure::Conditions(failed))
                    } else if reasons.iter().any(|r| r.code.as_deref() == Some("TransactionConflict")) {
                        Err(TxFailure::Conflict)
                    } else {
                        Err(TxFailure::Other(Error::unavailable(format!("transaction cancelled: {reasons:?}"))))
                    }
                }
                // "May still commit": an outcome this caller cannot know, never a refusal.
                other => Err(TxFailure::Other(Error::unavailable(DisplayErrorContext(other)))),
            },
            Err(e) => Err(TxFailure::Other(e.into())),
        }
    }
}
