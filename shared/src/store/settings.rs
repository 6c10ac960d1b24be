//! A district's settings and calendar (api.md v1.2, "Permissions and district settings"). The settings
//! live on the district's profile (read with every caller check); the calendar, up to 400 ranges, in an
//! item of its own beside it, read only when a records request is counted or the calendar is shown.

use super::districts::DistrictRecord;
use super::keys;
use super::parent_notices::audit_item;
use super::tx::{ActingUser, Action};
use super::{from_item, s, to_value, Item, Store};
use crate::domain::deadline::DayRange;
use crate::domain::district_audit::DistrictAuditEvent;
use crate::domain::district_settings::SettingsChange;
use crate::domain::Permission;
use crate::domain::{DistrictId, Timestamp, UserId};
use crate::error::Error;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

/// `GET|PUT /v1/settings/calendar`: the ranges, and who last replaced them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarRecord {
    pub days: Vec<DayRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<UserId>,
}

pub(crate) fn calendar_item(
    district: &DistrictId,
    days: &[DayRange],
    by: Option<(&UserId, Timestamp)>,
) -> Result<Item, Error> {
    let record = CalendarRecord {
        days: days.to_vec(),
        updated_at: by.map(|(_, at)| at),
        updated_by: by.map(|(u, _)| u.clone()),
    };
    let mut item = super::to_item(&record)?;
    item.extend(keys::calendar(district));
    Ok(item)
}

impl Store {
    pub async fn calendar(&self, district: &DistrictId) -> Result<CalendarRecord, Error> {
        Ok(self.get(keys::calendar(district)).await?.map(from_item).transpose()?.unwrap_or_default())
    }

    /// Replaces the calendar, with the district's audit event (one transaction).
    pub async fn put_calendar(
        &self,
        district: &DistrictId,
        days: &[DayRange],
        by: &UserId,
        at: Timestamp,
        audit: &DistrictAuditEvent,
    ) -> Result<CalendarRecord, Error> {
        let item = calendar_item(district, days, Some((by, at)))?;
        let mut tx = self.tx();
        tx.put(Action::Settings, item, None)?
            .put(Action::DistrictAudit, audit_item(audit)?, Some("attribute_not_exists(pk)"))?
            .made_by_holding(ActingUser { district, user: by }, Permission::ManageUsers)?;
        self.commit(tx).await?;
        Ok(CalendarRecord { days: days.to_vec(), updated_at: Some(at), updated_by: Some(by.clone()) })
    }

    /// Sets what the change gives, removes what it nulls, in one UpdateItem on the profile: the
    /// transfer switch, the name and the case sequence beside them are left as they are.
    pub async fn update_settings(
        &self,
        record: &DistrictRecord,
        change: &SettingsChange,
        by: &UserId,
        at: Timestamp,
        audit: &DistrictAuditEvent,
    ) -> Result<DistrictRecord, Error> {
        let mut set = vec!["settingsUpdatedAt = :at".to_owned(), "settingsUpdatedBy = :by".to_owned()];
        let mut remove = Vec::new();
        let mut values: Vec<(String, AttributeValue)> =
            vec![(":at".into(), s(at.to_rfc3339())), (":by".into(), s(by.as_str()))];
        // Every name through a placeholder: `timeZone` is one of DynamoDB's reserved words.
        let mut names: Vec<(String, String)> = Vec::new();
        let mut field = |name: &str, value: Option<AttributeValue>| {
            names.push((format!("#{name}"), name.to_owned()));
            match value {
                Some(v) => {
                    set.push(format!("#{name} = :{name}"));
                    values.push((format!(":{name}"), v));
                }
                None => remove.push(format!("#{name}")),
            }
        };
        if let Some(email) = &change.notification_email {
            field("notificationEmail", email.as_deref().map(s));
        }
        if let Some(tz) = &change.time_zone {
            field("timeZone", Some(s(tz.as_str())));
        }
        if let Some(rule) = &change.records_rule {
            field("recordsRule", rule.as_ref().map(to_value).transpose()?);
        }
        if let Some(b) = change.annual_notice_covers_transfers {
            field("annualNoticeCoversTransfers", Some(AttributeValue::Bool(b)));
        }
        if let Some(b) = change.parent_notice_on_receive {
            field("parentNoticeOnReceive", Some(AttributeValue::Bool(b)));
        }
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        let update = UpdateBuilder::default()
            .set_key(Some(keys::district(&record.district.id)))
            .condition_expression("attribute_exists(pk)")
            .update_expression(expression)
            .set_expression_attribute_values(Some(values.into_iter().collect()))
            .set_expression_attribute_names((!names.is_empty()).then(|| names.into_iter().collect()));
        let by_user = ActingUser { district: &record.district.id, user: by };
        self.audited(update, audit, by_user, Permission::ManageUsers).await?;
        let mut after = record.clone();
        after.district = change.apply(after.district);
        (after.settings_updated_at, after.settings_updated_by) = (Some(at), Some(by.clone()));
        Ok(after)
    }
}
