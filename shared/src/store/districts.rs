//! Districts, their users and SIS students, and the transfer setting.

use super::batch::Found;
use super::keys::{self, GSI1, PK, SK};
use super::{from_item, s, Item, Page, Store};
use crate::domain::{District, DistrictRef, Permission, Student, Timestamp, TransferSetting, User};
use crate::error::Error;
use aws_sdk_dynamodb::types::ReturnValue;
use serde::{Deserialize, Serialize};

/// A district as stored: the imported record, who last switched its setting, and its case sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistrictRecord {
    #[serde(flatten)]
    pub district: District,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    /// The last number this district's own case sequence gave out.
    #[serde(default)]
    pub case_seq: u64,
}

impl DistrictRecord {
    pub fn setting(&self) -> TransferSetting {
        TransferSetting {
            district_id: self.district.id.clone(),
            enabled: self.district.transfers_enabled,
            updated_at: self.updated_at,
            updated_by: self.updated_by.clone(),
        }
    }

    pub fn as_ref(&self) -> DistrictRef {
        DistrictRef { id: self.district.id.clone(), name: self.district.name.clone() }
    }
}

/// The caller's records, read in the same BatchGetItem as whatever else the operation needs.
pub struct CallerReads {
    pub user: Option<User>,
    pub district: Option<DistrictRecord>,
    pub rest: Found,
}

impl CallerReads {
    pub fn take<T: serde::de::DeserializeOwned>(&mut self, key: &Item) -> Result<Option<T>, Error> {
        self.rest.remove(&super::batch::key_of(key)).map(from_item).transpose()
    }
}

impl Store {
    /// One round trip: the caller's user and district records plus `extra` keys (at most 98).
    pub async fn read_with_caller(&self, district: &str, user: &str, extra: Vec<Item>) -> Result<CallerReads, Error> {
        let user_key = keys::user(district, user);
        let district_key = keys::district(district);
        let mut all = vec![user_key.clone(), district_key.clone()];
        all.extend(extra);
        let mut rest = self.batch_get(all).await?;
        let user = rest.remove(&super::batch::key_of(&user_key)).map(from_item).transpose()?;
        let district = rest.remove(&super::batch::key_of(&district_key)).map(from_item).transpose()?;
        Ok(CallerReads { user, district, rest })
    }

    pub async fn district(&self, id: &str) -> Result<Option<DistrictRecord>, Error> {
        self.get(keys::district(id)).await?.map(from_item).transpose()
    }

    /// Switches the setting and records who did it; joining or leaving the destination directory
    /// (the sparse index gsi1) happens in the same write.
    pub async fn set_transfers_enabled(
        &self,
        district: &str,
        enabled: bool,
        by: &User,
        at: Timestamp,
    ) -> Result<DistrictRecord, Error> {
        let mut update = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::district(district)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":on", aws_sdk_dynamodb::types::AttributeValue::Bool(enabled))
            .expression_attribute_values(":at", s(at.to_rfc3339()))
            .expression_attribute_values(":by", s(&by.id))
            .return_values(ReturnValue::AllNew);
        update = if enabled {
            update
                .update_expression(
                    "SET transfersEnabled = :on, updatedAt = :at, updatedBy = :by, gsi1pk = :dir, gsi1sk = #name",
                )
                .expression_attribute_values(":dir", s(keys::DIRECTORY_ON))
                .expression_attribute_names("#name", "name")
        } else {
            update
                .update_expression("SET transfersEnabled = :on, updatedAt = :at, updatedBy = :by REMOVE gsi1pk, gsi1sk")
        };
        let out = update.send().await?;
        from_item(out.attributes.unwrap_or_default())
    }

    /// Districts with transfers ON, by name: one Query on the sparse directory index.
    pub async fn directory(&self) -> Result<Vec<DistrictRef>, Error> {
        self.index_items(GSI1, keys::DIRECTORY_ON, None, false, None).await
    }

    /// Users of a district holding a permission (who gets told about transfers).
    pub async fn users_with(&self, district: &str, permission: Permission) -> Result<Vec<User>, Error> {
        let users: Vec<User> = self.all_under(&keys::district_pk(district), "USER#").await?;
        Ok(users.into_iter().filter(|u| u.can(permission)).collect())
    }

    pub async fn user(&self, district: &str, user: &str) -> Result<Option<User>, Error> {
        self.get(keys::user(district, user)).await?.map(from_item).transpose()
    }

    /// Finds a user's district by user id alone (for `portal token`), through gsi1.
    pub async fn find_user(&self, user: &str) -> Result<Option<User>, Error> {
        let users: Vec<User> = self.index_items(GSI1, &keys::user_lookup_pk(user), None, false, Some(1)).await?;
        Ok(users.into_iter().next())
    }

    /// The district's SIS students, optionally filtered by a case-insensitive partial match.
    pub async fn search_students(
        &self,
        district: &str,
        q: Option<&str>,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<Student>, Error> {
        let scope = format!("students:{district}:{}", q.unwrap_or(""));
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let needle = q.map(str::to_lowercase).filter(|q| !q.is_empty());
        let (items, last) = self
            .query_page(
                || {
                    let q = self.prefix_query(&keys::district_pk(district), "STUDENT#");
                    match &needle {
                        Some(n) => {
                            q.filter_expression("contains(searchText, :q)").expression_attribute_values(":q", s(n))
                        }
                        None => q,
                    }
                },
                limit,
                start,
                &[PK, SK],
            )
            .await?;
        self.page(&scope, items, last)
    }
}

pub(crate) fn student_search_text(s: &Student) -> String {
    [s.sis_id.as_str(), &format!("{} {}", s.first_name, s.last_name), s.building.as_deref().unwrap_or("")]
        .join("\u{1f}")
        .to_lowercase()
}
