//! A records request (api.md v1.2, "Records requests"): the district where a student enrolls asks the
//! previous one for its records, and the law's clock runs from the request, counted by the recipient's
//! rule and calendar and fixed on the request when it arrives.

use super::deadline::{self, DayRange, Due, RecordsRule};
use super::ids::*;
use super::model::{District, DistrictRef, Timestamp, UserRef};
use super::search::fold;
use super::transfer::EventActor;
use crate::error::{Error, FieldError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumString, strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Fulfilled,
    Declined,
    Withdrawn,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Why a recipient declines: "no records" is an answer the law expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    NoRecords,
    NotOurStudent,
    Other,
}

/// The student as the requesting district knows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StudentAsKnown {
    pub first_name: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_student_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub former_school: Option<String>,
}

/// Short single-line fields: names, an id, a school.
const MAX_NAME_CHARS: usize = 200;
const MAX_STATE_ID_CHARS: usize = 64;

impl StudentAsKnown {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut line = |field: &str, value: &str, max: usize, required: bool| {
            let at = format!("student.{field}");
            if required && value.trim().is_empty() {
                out.push(FieldError::new(at, "must not be empty"));
            } else if value.chars().count() > max {
                out.push(FieldError::new(at, format!("at most {max} characters")));
            } else if value.chars().any(char::is_control) {
                out.push(FieldError::new(at, "control characters are not allowed"));
            }
        };
        line("firstName", &self.first_name, MAX_NAME_CHARS, true);
        line("lastName", &self.last_name, MAX_NAME_CHARS, true);
        if let Some(id) = &self.state_student_id {
            line("stateStudentId", id, MAX_STATE_ID_CHARS, true);
        }
        if let Some(school) = &self.former_school {
            line("formerSchool", school, MAX_NAME_CHARS, true);
        }
        out
    }

    /// Whether a case's person of concern may be this student (the suggestions): the same folded last
    /// name and first names starting alike, or the same last name and date of birth.
    pub fn may_be(&self, first: &str, last: &str, born: Option<&str>) -> bool {
        let same_last = !self.last_name.trim().is_empty() && fold(self.last_name.trim()) == fold(last.trim());
        let (a, b) = (fold(self.first_name.trim()), fold(first.trim()));
        let first_alike = !a.is_empty() && !b.is_empty() && (a.starts_with(&b) || b.starts_with(&a));
        let same_birth = matches!((self.date_of_birth, born), (Some(d), Some(b)) if d.to_string() == b.trim());
        same_last && (first_alike || same_birth)
    }
}

/// A records request as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordRequest {
    pub id: RecordRequestId,
    pub status: RequestStatus,
    pub requesting_district: DistrictRef,
    pub recipient_district: DistrictRef,
    pub student: StudentAsKnown,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled_on: Option<NaiveDate>,
    #[serde(default)]
    pub notes: Option<String>,
    pub created_at: Timestamp,
    pub created_by: UserRef,
    /// The recipient's rule when the request arrived, and the due date it gave: fixed for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_rule: Option<RecordsRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Due>,
    /// The recipient's time zone when the request arrived: the dates of its clock are in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<UserRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DeclineReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default)]
    pub transfer_ids: Vec<TransferId>,
}

/// Which side of a request a district is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestSide {
    /// It asked.
    Requesting,
    /// It must answer.
    Recipient,
}

impl RecordRequest {
    /// A new request from `by` of `requesting` to `recipient`, due by the recipient's rule and calendar.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        requesting: &District,
        by: UserRef,
        recipient: &District,
        calendar: &[DayRange],
        student: StudentAsKnown,
        enrolled_on: Option<NaiveDate>,
        notes: Option<String>,
        now: Timestamp,
    ) -> RecordRequest {
        let due_rule = recipient.records_rule;
        let due = due_rule.and_then(|rule| deadline::due(&rule, recipient.tz(), calendar, now));
        RecordRequest {
            id: RecordRequestId::generate(),
            status: RequestStatus::Open,
            requesting_district: DistrictRef { id: requesting.id.clone(), name: requesting.name.clone() },
            recipient_district: DistrictRef { id: recipient.id.clone(), name: recipient.name.clone() },
            student,
            enrolled_on,
            notes,
            created_at: now,
            created_by: by,
            due_rule: due.and(due_rule),
            due_time_zone: due.map(|_| recipient.tz().name().to_owned()),
            due,
            decided_at: None,
            decided_by: None,
            reason: None,
            detail: None,
            transfer_ids: vec![],
        }
    }

    pub fn side_of(&self, district: &DistrictId) -> Option<RequestSide> {
        if &self.requesting_district.id == district {
            Some(RequestSide::Requesting)
        } else if &self.recipient_district.id == district {
            Some(RequestSide::Recipient)
        } else {
            None
        }
    }

    /// Open past its due time.
    pub fn overdue(&self, now: Timestamp) -> bool {
        self.status == RequestStatus::Open && self.due.is_some_and(|d| d.at < now)
    }

    /// How far the due date is from `now`, counted as the rule counts (in the recipient's time zone and
    /// `calendar`): positive, the counted days left up to and including the due date ("due in 2 school
    /// days"); zero, due today; negative, the counted days since ("overdue by 3 working days").
    pub fn due_in(&self, calendar: &[DayRange], now: Timestamp) -> Option<DueIn> {
        let (due, rule) = (self.due?, self.due_rule?);
        let tz = self.due_time_zone.as_deref().and_then(|n| n.parse::<chrono_tz::Tz>().ok())?;
        let today = now.0.with_timezone(&tz).date_naive();
        let next = |d: NaiveDate| d.succ_opt().unwrap_or(d);
        let count = if due.date >= today {
            deadline::counted_between(rule.unit, calendar, next(today), next(due.date))
        } else {
            -deadline::counted_between(rule.unit, calendar, next(due.date), next(today))
        };
        let count = if due.date == today { 0 } else { count };
        Some(DueIn { count, unit: rule.unit, today: due.date == today, overdue: self.overdue(now) })
    }

    /// Deciding (declining, withdrawing): the right side, and an open request. The wrong side of the
    /// request is a 403 (as for transfers); a district not on it never reaches here (404).
    pub fn check_decide(&self, district: &DistrictId, side: RequestSide) -> Result<()> {
        if self.side_of(district) != Some(side) {
            return Err(Error::WrongRequestSide(side));
        }
        if self.status != RequestStatus::Open {
            return Err(Error::RequestNotOpen(self.status));
        }
        Ok(())
    }
}

/// The due date seen from today (`RecordRequest::due_in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueIn {
    pub count: i64,
    pub unit: deadline::Unit,
    pub today: bool,
    pub overdue: bool,
}

/// An event of a records request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RequestEventType {
    Created,
    Fulfilled,
    Declined,
    Withdrawn,
    DueSoon,
    Overdue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestEvent {
    pub at: Timestamp,
    #[serde(rename = "type")]
    pub kind: RequestEventType,
    pub actor: EventActor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[cfg(test)]
#[path = "record_request_tests.rs"]
mod tests;
