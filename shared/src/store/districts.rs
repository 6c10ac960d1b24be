//! Districts, their users and SIS students, and the transfer setting.

use super::keys::{self, GSI1};
use super::{from_item, s, Item, Store};
use crate::domain::import::CASE_SEQUENCE_MAX;
use crate::domain::{
    Case, CaseId, District, DistrictId, DistrictRef, Permission, Student, StudentId, Timestamp, TransferId,
    TransferRequest, TransferSetting, User, UserId,
};
use crate::error::Error;
use aws_sdk_dynamodb::types::ReturnValue;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A district as stored: the imported record and who last switched its setting. The item also holds
/// the district's case sequence (`caseSeq`), which only `reserve_case_numbers` and the import touch:
/// every call of the district's users reads this record, and none of them needs the counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistrictRecord {
    #[serde(flatten)]
    pub district: District,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<UserId>,
    /// Who last changed the district's settings (`PUT /v1/settings/district`), and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_updated_by: Option<UserId>,
}

/// The last number a district item's case sequence gave out. A stored value the code cannot read
/// as one (written before the sequence was bounded) reads as exhausted, never as an error.
pub(crate) fn case_seq_of(item: &Item) -> u64 {
    match item.get("caseSeq").and_then(|v| v.as_n().ok()) {
        None => 0,
        Some(n) => n.parse().unwrap_or(u64::MAX),
    }
}

impl DistrictRecord {
    pub fn new(district: District) -> Self {
        DistrictRecord {
            district,
            updated_at: None,
            updated_by: None,
            settings_updated_at: None,
            settings_updated_by: None,
        }
    }

    pub fn settings(&self) -> crate::domain::district_settings::DistrictSettings {
        crate::domain::district_settings::DistrictSettings::of(
            &self.district,
            self.settings_updated_at,
            self.settings_updated_by.clone(),
        )
    }

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

/// What an operation needs read together with its caller, named by typed ids. Cases and students
/// are always the caller's own district's: their keys are built from the verified district.
#[derive(Debug, Default, Clone)]
pub struct Wanted {
    pub transfer: Option<TransferId>,
    /// Another district's profile (a send's destination): its name and setting only.
    pub destination: Option<DistrictId>,
    pub cases: Vec<CaseId>,
    pub students: Vec<StudentId>,
}

/// The caller's records and what the operation asked for, read in one BatchGetItem.
#[derive(Debug)]
pub struct CallerReads {
    pub user: Option<User>,
    pub district: Option<DistrictRecord>,
    pub transfer: Option<TransferRequest>,
    pub destination: Option<DistrictRecord>,
    pub cases: HashMap<CaseId, Case>,
    pub students: HashMap<StudentId, Student>,
}

/// At most 100 keys in one BatchGetItem: the caller's two, a transfer, a destination, and the rest.
pub const MAX_WANTED_ITEMS: usize = 96;

impl Store {
    /// One round trip: the caller's user and district records plus what `wanted` names.
    pub async fn read_with_caller(
        &self,
        district: &DistrictId,
        user: &UserId,
        wanted: Wanted,
    ) -> Result<CallerReads, Error> {
        let user_key = keys::user(district, user);
        let district_key = keys::district(district);
        let mut all = vec![user_key.clone(), district_key.clone()];
        all.extend(wanted.transfer.iter().map(keys::transfer));
        all.extend(wanted.destination.iter().map(keys::district));
        all.extend(wanted.cases.iter().take(MAX_WANTED_ITEMS).map(|c| keys::case(district, c)));
        all.extend(wanted.students.iter().take(MAX_WANTED_ITEMS).map(|s| keys::student(district, s)));
        let mut found = self.batch_get(all).await?;
        let mut take = |key: &Item| found.remove(&super::batch::key_of(key));
        let mut reads = CallerReads {
            user: take(&user_key).map(from_item).transpose()?,
            district: take(&district_key).map(from_item).transpose()?,
            transfer: wanted.transfer.as_ref().and_then(|t| take(&keys::transfer(t))).map(from_item).transpose()?,
            destination: wanted
                .destination
                .as_ref()
                .and_then(|d| take(&keys::district(d)))
                .map(from_item)
                .transpose()?,
            cases: HashMap::new(),
            students: HashMap::new(),
        };
        for id in wanted.cases {
            if let Some(item) = take(&keys::case(district, &id)) {
                reads.cases.insert(id, from_item(item)?);
            }
        }
        for id in wanted.students {
            if let Some(item) = take(&keys::student(district, &id)) {
                reads.students.insert(id, from_item(item)?);
            }
        }
        Ok(reads)
    }

    pub async fn district(&self, id: &DistrictId) -> Result<Option<DistrictRecord>, Error> {
        self.get(keys::district(id)).await?.map(from_item).transpose()
    }

    /// Switches the setting and records who did it, with the district's audit event, in one
    /// transaction; joining or leaving the destination directory (the sparse index gsi1) happens in
    /// the same write. The record as it leaves it.
    pub async fn set_transfers_enabled(
        &self,
        record: &DistrictRecord,
        enabled: bool,
        by: &User,
        at: Timestamp,
        audit: &crate::domain::district_audit::DistrictAuditEvent,
    ) -> Result<DistrictRecord, Error> {
        let district = &record.district.id;
        let mut update = aws_sdk_dynamodb::types::builders::UpdateBuilder::default()
            .set_key(Some(keys::district(district)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":on", aws_sdk_dynamodb::types::AttributeValue::Bool(enabled))
            .expression_attribute_values(":at", s(at.to_rfc3339()))
            .expression_attribute_values(":by", s(by.id.as_str()));
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
        self.audited(update, audit, super::ActingUser { district, user: &by.id }, Permission::ManageCases).await?;
        let mut after = record.clone();
        after.district.transfers_enabled = enabled;
        (after.updated_at, after.updated_by) = (Some(at), Some(by.id.clone()));
        Ok(after)
    }

    /// A change of the district's own records, with its audit event, by a user who still holds
    /// `permission` as it lands: one transaction.
    pub(crate) async fn audited(
        &self,
        update: aws_sdk_dynamodb::types::builders::UpdateBuilder,
        audit: &crate::domain::district_audit::DistrictAuditEvent,
        by: super::ActingUser<'_>,
        permission: Permission,
    ) -> Result<(), Error> {
        let mut tx = self.tx();
        tx.update(super::Action::Settings, update)?
            .put(
                super::Action::DistrictAudit,
                super::parent_notices::audit_item(audit)?,
                Some("attribute_not_exists(pk)"),
            )?
            .made_by_holding(by, permission)?;
        self.commit(tx).await.map_err(Error::from)
    }

    /// Reserves `n` numbers of the district's own case sequence for one accept, atomically, and returns
    /// the number before them. Outside the accept's transaction, so concurrent accepts into one
    /// district never contend on the sequence (each takes its own range at once); an accept that then
    /// does not commit leaves a gap in the numbers, never a number given twice. The sequence never
    /// passes `CASE_SEQUENCE_MAX`: a district that has used it up is told so (409), and its other calls
    /// are unaffected.
    pub async fn reserve_case_numbers(&self, district: &DistrictId, n: u64) -> Result<u64, Error> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::district(district)))
            .update_expression("SET caseSeq = if_not_exists(caseSeq, :zero) + :n")
            .condition_expression(
                "attribute_exists(pk) AND transfersEnabled = :true AND \
                 (attribute_not_exists(caseSeq) OR caseSeq <= :room)",
            )
            .expression_attribute_values(":zero", super::n(0))
            .expression_attribute_values(":n", super::n(n))
            .expression_attribute_values(":room", super::n(CASE_SEQUENCE_MAX.saturating_sub(n)))
            .expression_attribute_values(":true", aws_sdk_dynamodb::types::AttributeValue::Bool(true))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        let Some(out) = super::conditional(out)? else {
            // Which condition failed decides the answer; a rare path, so one more read.
            return Err(match self.district(district).await? {
                Some(d) if d.district.transfers_enabled => Error::CaseNumbersExhausted,
                _ => Error::TransfersDisabled,
            });
        };
        let last = out.attributes.as_ref().map_or(0, case_seq_of);
        Ok(last.saturating_sub(n))
    }

    /// The last number the district's case sequence gave out.
    pub async fn case_sequence(&self, district: &DistrictId) -> Result<u64, Error> {
        Ok(self.get(keys::district(district)).await?.as_ref().map_or(0, case_seq_of))
    }

    /// Users of a district holding a permission (who gets told about transfers).
    pub async fn users_with(&self, district: &DistrictId, permission: Permission) -> Result<Vec<User>, Error> {
        let users: Vec<User> = self.all_under(&keys::district_pk(district), "USER#").await?;
        Ok(users.into_iter().filter(|u| u.can(permission)).collect())
    }

    pub async fn user(&self, district: &DistrictId, user: &UserId) -> Result<Option<User>, Error> {
        self.get(keys::user(district, user)).await?.map(from_item).transpose()
    }

    /// Every user with this id, whatever their district (for `portal token`, which then asks for the
    /// district when there is more than one), through gsi1.
    pub async fn users_named(&self, user: &UserId) -> Result<Vec<User>, Error> {
        self.index_items(GSI1, &keys::user_lookup_pk(user), None, false, None).await
    }
}
