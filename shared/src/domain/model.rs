//! The things the portal talks about, in the product's words. Field names serialise in camelCase,
//! which is both the import format (`fixtures.md`) and the HTTP contract (`api.md`).

use super::decision::CaseLink;
use super::ids::*;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::{Add, Sub};

/// A point in time, always written as RFC 3339 UTC with exactly three fractional digits, so that stored
/// timestamps compare correctly as strings inside DynamoDB conditions and sort keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Self {
        Timestamp(Utc::now())
    }

    pub fn to_rfc3339(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    pub fn parse(s: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(s).ok().map(|t| Timestamp(t.with_timezone(&Utc)))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp(t)
    }
}

impl Add<Duration> for Timestamp {
    type Output = Timestamp;
    fn add(self, d: Duration) -> Timestamp {
        Timestamp(self.0 + d)
    }
}

impl Sub<Duration> for Timestamp {
    type Output = Timestamp;
    fn sub(self, d: Duration) -> Timestamp {
        Timestamp(self.0 - d)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 timestamp: {s}")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Permission {
    ManageCases,
    ViewCases,
    /// The district's administrators: users, permissions and the district's settings.
    ManageUsers,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct District {
    pub id: DistrictId,
    pub name: String,
    #[serde(default)]
    pub transfers_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification_email: Option<String>,
    /// IANA name; `America/Chicago` where absent (`domain::district_settings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// How the district's incoming records requests are counted; none: no due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_rule: Option<super::deadline::RecordsRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_notice_covers_transfers: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_notice_on_receive: Option<bool>,
    /// In an import file only: the store keeps it in an item of its own, read when counting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calendar: Vec<super::deadline::DayRange>,
}

/// Who switched the district's transfer setting, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferSetting {
    pub district_id: DistrictId,
    pub enabled: bool,
    pub updated_at: Option<Timestamp>,
    pub updated_by: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub district_id: DistrictId,
    pub name: String,
    pub email: String,
    /// Whom the other district calls about a code (api.md v1.2; at most 40 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// A deactivated user is refused on the next call (401), whatever tokens they still hold.
    #[serde(default = "active", skip_serializing_if = "is_active")]
    pub active: bool,
    /// The last change by a district administrator (`PUT /v1/users/{userId}`, `POST /v1/users`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<UserRef>,
}

const fn active() -> bool {
    true
}
fn is_active(a: &bool) -> bool {
    *a
}

impl User {
    /// Whether the user holds `permission` now: a deactivated user holds none.
    pub fn can(&self, permission: Permission) -> bool {
        self.active && self.permissions.contains(&permission)
    }

    pub fn as_ref(&self) -> UserRef {
        UserRef { id: self.id.clone(), name: self.name.clone() }
    }
}

/// A student of a district's SIS, which an accepted case may be linked to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Student {
    pub id: StudentId,
    pub district_id: DistrictId,
    pub sis_id: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonOfConcern {
    pub first_name: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student_id: Option<StudentId>,
    /// The linked student's SIS id: what staff read where a student is named (the `studentId` is the
    /// portal's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sis_id: Option<String>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Monitoring,
    Closed,
    TransferredOut,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EntryType {
    Note,
    Assessment,
    ManagementStrategy,
    Intervention,
    Contact,
    StatusChange,
    Transfer,
}

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: EntryId,
    pub at: Timestamp,
    #[serde(rename = "type")]
    pub kind: EntryType,
    pub author: String,
    pub text: String,
}

/// The fields of a case other than its history: what a snapshot freezes and what search reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseHeader {
    pub case_number: String,
    pub person_of_concern: PersonOfConcern,
    pub building: String,
    pub team_name: String,
    pub team_leader: String,
    pub case_manager: String,
    pub status: CaseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<String>,
    pub opened_at: Timestamp,
}

/// Where an accepted case came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    pub from_district: DistrictRef,
    pub source_case_id: CaseId,
    pub source_case_number: String,
    pub transfer_id: TransferId,
    pub accepted_at: Timestamp,
    pub link: CaseLink,
    /// The sender's building, team, team leader and case manager: shown as where the case was
    /// looked after, never as its own (absent on cases accepted before assignment existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<super::assignment::Staffing>,
}

/// Where a transferred-out case went: the source keeps this as its record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferredTo {
    pub district: DistrictRef,
    pub transfer_id: TransferId,
    pub case_id: CaseId,
    pub case_number: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistrictRef {
    pub id: DistrictId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRef {
    pub id: UserId,
    pub name: String,
}

/// How to reach a person: the sender of a transfer, whom the destination calls about the code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl User {
    pub fn contact(&self) -> Contact {
        Contact { email: self.email.clone(), phone: self.phone.clone() }
    }
}
