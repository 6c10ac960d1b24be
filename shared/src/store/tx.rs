//! TransactWriteItems, and reading back which of its actions failed.

use super::Store;
use crate::error::Error;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem};

/// DynamoDB's limit on actions in one transaction.
pub const MAX_ACTIONS: usize = 100;

/// Why a transaction did not commit.
#[derive(Debug)]
pub enum TxFailure {
    /// Conditions failed: the indexes (in the order the actions were given) of the ones that did.
    Conditions(Vec<usize>),
    /// Another transaction touched the same items at the same moment; nothing was written.
    Conflict,
    Other(Error),
}

impl From<TxFailure> for Error {
    fn from(f: TxFailure) -> Self {
        match f {
            TxFailure::Conditions(i) => Error::unavailable(format!("transaction conditions failed at {i:?}")),
            TxFailure::Conflict => Error::unavailable("transaction conflict"),
            TxFailure::Other(e) => e,
        }
    }
}

/// The user a state change is made by. Their Manage Cases permission is re-checked inside the
/// transaction, so a permission revoked between the read and the write stops the write.
#[derive(Debug, Clone, Copy)]
pub struct ActingUser<'a> {
    pub district: &'a crate::domain::DistrictId,
    pub user: &'a crate::domain::UserId,
}

impl ActingUser<'_> {
    pub(crate) fn may_manage_cases(&self, table: &str) -> Result<TransactWriteItem, Error> {
        Ok(TransactWriteItem::builder()
            .condition_check(
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(super::keys::user(self.district, self.user)))
                    .condition_expression("contains(#permissions, :manage)")
                    .expression_attribute_names("#permissions", "permissions")
                    .expression_attribute_values(":manage", super::s("manage_cases"))
                    .build()?,
            )
            .build())
    }
}

impl Store {
    /// A transaction made by `by`: their permission check rides along as the last action.
    pub(crate) async fn transact_as(
        &self,
        by: ActingUser<'_>,
        mut actions: Vec<TransactWriteItem>,
    ) -> Result<(), TxFailure> {
        actions.push(by.may_manage_cases(&self.table).map_err(TxFailure::Other)?);
        let check = actions.len() - 1;
        match self.transact(actions).await {
            Err(TxFailure::Conditions(failed)) if failed.contains(&check) => Err(TxFailure::Other(Error::Forbidden)),
            other => other,
        }
    }

    pub(crate) async fn transact(&self, actions: Vec<TransactWriteItem>) -> Result<(), TxFailure> {
        if actions.len() > MAX_ACTIONS {
            return Err(TxFailure::Other(Error::unavailable(format!("{} actions in one transaction", actions.len()))));
        }
        match self.db.transact_write_items().set_transact_items(Some(actions)).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) => match e.into_err() {
                TransactWriteItemsError::TransactionCanceledException(c) => {
                    let reasons = c.cancellation_reasons.unwrap_or_default();
                    let failed: Vec<usize> = reasons
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.code.as_deref() == Some("ConditionalCheckFailed"))
                        .map(|(i, _)| i)
                        .collect();
                    if !failed.is_empty() {
                        Err(TxFailure::Conditions(failed))
                    } else if reasons.iter().any(|r| r.code.as_deref() == Some("TransactionConflict")) {
                        Err(TxFailure::Conflict)
                    } else {
                        Err(TxFailure::Other(Error::unavailable(format!("transaction cancelled: {reasons:?}"))))
                    }
                }
                TransactWriteItemsError::TransactionInProgressException(_) => Err(TxFailure::Conflict),
                other => Err(TxFailure::Other(Error::unavailable(DisplayErrorContext(other)))),
            },
            Err(e) => Err(TxFailure::Other(e.into())),
        }
    }
}
