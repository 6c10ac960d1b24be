//! A district's own audit trail: who changed what of the district's records, and when, with the
//! values before and after. Written in the same transaction as the change; kept under the district's
//! key, newest first (the district administration reads it).

use super::ids::DistrictId;
use super::model::{Timestamp, UserRef};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistrictAuditEvent {
    pub at: Timestamp,
    pub district_id: DistrictId,
    pub actor: UserRef,
    /// What was done, e.g. `parent_notice.done`.
    pub action: String,
    /// What it was done to, e.g. the task's id.
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
}

impl DistrictAuditEvent {
    /// A change of the district's own settings (`subject` the district), with what changed.
    pub fn of_district(
        at: Timestamp,
        district: &DistrictId,
        actor: UserRef,
        action: &str,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Self {
        DistrictAuditEvent {
            at,
            district_id: district.clone(),
            actor,
            action: action.to_owned(),
            subject: district.to_string(),
            before: Some(before),
            after: Some(after),
        }
    }
}
