//! District administration in the table: a district's users (`USER#{id}` under the district, on gsi1
//! by id for `portal token`), created and changed in one transaction each with the district's audit
//! event, and the audit trail itself (`AUDIT#{at}#{ulid}`, newest first).

use super::cursor::Scope;
use super::keys::{self, PK, SK};
use super::page::Page;
use super::parent_notices::audit_item;
use super::tx::{ActingUser, Action, TxFailure};
use super::{s, to_item, Item, Store};
use crate::domain::district_audit::DistrictAuditEvent;
use crate::domain::{search, DistrictId, Permission, User, UserId};
use crate::error::Error;
use aws_sdk_dynamodb::types::builders::{ConditionCheckBuilder, PutBuilder};
use aws_sdk_dynamodb::types::AttributeValue;

/// A user's item: its key under the district, and its gsi1 lookup by id.
pub(crate) fn user_item(u: &User) -> Result<Item, Error> {
    let mut item = to_item(u)?;
    item.extend(keys::user(&u.district_id, &u.id));
    item.insert("gsi1pk".into(), s(keys::user_lookup_pk(&u.id)));
    // The lookup's sort key tells same-named users of different districts apart.
    item.insert("gsi1sk".into(), s(keys::district_pk(&u.district_id)));
    Ok(item)
}

/// Why a user change did not commit.
#[derive(Debug)]
pub enum UserWrite {
    /// `POST`: a user with that id exists in the district.
    Exists,
    /// The other administrator the change counted on is no longer one.
    NoOtherAdmin,
    /// The user changed since it was read.
    Changed,
    Failed(Error),
}

impl From<Error> for UserWrite {
    fn from(e: Error) -> Self {
        UserWrite::Failed(e)
    }
}

fn still_admin(district: &DistrictId, user: &UserId) -> ConditionCheckBuilder {
    ConditionCheckBuilder::default()
        .set_key(Some(keys::user(district, user)))
        .condition_expression("contains(#permissions, :admin) AND (attribute_not_exists(active) OR active = :on)")
        .expression_attribute_names("#permissions", "permissions")
        .expression_attribute_values(":admin", s(<&str>::from(Permission::ManageUsers)))
        .expression_attribute_values(":on", AttributeValue::Bool(true))
}

impl Store {
    /// Every user of the district, in id order.
    pub async fn district_users(&self, district: &DistrictId) -> Result<Vec<User>, Error> {
        self.all_under(&keys::district_pk(district), "USER#").await
    }

    /// A page of the district's users whose name, email or id has words starting with each word of `q`.
    /// A district has hundreds of users, not millions: they are read in one or two Queries and filtered
    /// here, the cursor being the last id given.
    pub async fn users_page(
        &self,
        district: &DistrictId,
        q: &str,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<User>, Error> {
        let scope = Scope::new("users").with(district).with(q);
        let after = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let after = after.as_ref().and_then(|k| k.get(SK)).and_then(|v| v.as_s().ok()).cloned();
        let mut users: Vec<User> = self
            .district_users(district)
            .await?
            .into_iter()
            .filter(|u| after.as_ref().is_none_or(|a| keys::user(district, &u.id)[SK].as_s().is_ok_and(|sk| sk > a)))
            .filter(|u| q.is_empty() || search::matches(q, &[&u.name, &u.email, u.id.as_str()]))
            .take(limit + 1)
            .collect();
        let more = users.len() > limit;
        users.truncate(limit);
        let next_cursor = users.last().filter(|_| more).map(|u| {
            let mut key = keys::user(district, &u.id);
            key.retain(|k, _| k == PK || k == SK);
            self.cursors.encode(&scope, &key)
        });
        Ok(Page { items: users, next_cursor })
    }

    /// A new user, with its audit event, by an administrator who still is one.
    pub async fn create_user(&self, u: &User, audit: &DistrictAuditEvent, by: ActingUser<'_>) -> Result<(), UserWrite> {
        let mut tx = self.tx();
        tx.put(Action::User, user_item(u)?, Some("attribute_not_exists(pk)"))?
            .put(Action::DistrictAudit, audit_item(audit)?, Some("attribute_not_exists(pk)"))?
            .made_by_holding(by, Permission::ManageUsers)?;
        match self.commit(tx).await {
            Ok(()) => Ok(()),
            Err(TxFailure::Conditions(failed)) if failed.contains(&Action::User) => Err(UserWrite::Exists),
            Err(other) => Err(UserWrite::Failed(other.into())),
        }
    }

    /// A changed user (`after`), if it is still as it was read (`before`), with its audit event. When
    /// the change takes away an administrator, `other_admin` must still be one as it lands. An
    /// administrator changing themselves is checked on their own item, not twice.
    pub async fn change_user(
        &self,
        before: &User,
        after: &User,
        audit: &DistrictAuditEvent,
        by: ActingUser<'_>,
        other_admin: Option<&UserId>,
    ) -> Result<(), UserWrite> {
        let seen = before.updated_at.map(|t| t.to_rfc3339());
        let mut put = PutBuilder::default().set_item(Some(user_item(after)?));
        put = match &seen {
            Some(at) => put.condition_expression("updatedAt = :seen").expression_attribute_values(":seen", s(at)),
            None => put.condition_expression("attribute_exists(pk) AND attribute_not_exists(updatedAt)"),
        };
        let mut tx = self.tx();
        tx.put_guarded(Action::User, put)?.put(
            Action::DistrictAudit,
            audit_item(audit)?,
            Some("attribute_not_exists(pk)"),
        )?;
        if by.user != &after.id {
            tx.made_by_holding(by, Permission::ManageUsers)?;
        }
        if let Some(other) = other_admin {
            tx.check(Action::OtherAdmin, still_admin(&after.district_id, other))?;
        }
        match self.commit(tx).await {
            Ok(()) => Ok(()),
            Err(TxFailure::Conditions(failed)) if failed.contains(&Action::OtherAdmin) => Err(UserWrite::NoOtherAdmin),
            Err(TxFailure::Conditions(failed)) if failed.contains(&Action::User) => Err(UserWrite::Changed),
            Err(TxFailure::Conflict) => Err(UserWrite::Changed),
            Err(other) => Err(UserWrite::Failed(other.into())),
        }
    }

    /// A page of the district's audit trail, newest first.
    pub async fn district_audit(
        &self,
        district: &DistrictId,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<DistrictAuditEvent>, Error> {
        let scope = Scope::new("audit").with(district);
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let pk = keys::district_pk(district);
        let (items, last) = self
            .query_page(|| self.prefix_query(&pk, "AUDIT#").scan_index_forward(false), limit, start, &[PK, SK])
            .await?;
        self.page(&scope, items, last)
    }
}
