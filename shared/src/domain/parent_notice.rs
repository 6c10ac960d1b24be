//! Parent notices (34 CFR 99.34, api.md v1.2): when the disclosing district's annual notice does not
//! say records are forwarded to a school where the student enrolls, each disclosure is a task to
//! tell the parent (`side: disclosed`); when the receiving district's settings ask for it, each case
//! it accepts is one too (`side: received`). Which tasks a change makes, and how a task is closed,
//! are decided here.

use super::ids::*;
use super::model::*;
use super::transfer::TransferRequest;
use crate::error::{Error, FieldError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeStatus {
    Open,
    Done,
    NotRequired,
}

impl NoticeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeStatus::Open => "open",
            NoticeStatus::Done => "done",
            NoticeStatus::NotRequired => "not_required",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [NoticeStatus::Open, NoticeStatus::Done, NoticeStatus::NotRequired].into_iter().find(|st| st.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeSide {
    /// The district that disclosed the record.
    Disclosed,
    /// The district that received it.
    Received,
}

impl NoticeSide {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeSide::Disclosed => "disclosed",
            NoticeSide::Received => "received",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeMethod {
    Mail,
    Email,
    Phone,
    InPerson,
}

/// The student's name as the task shows it: nothing else of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeStudent {
    pub first_name: String,
    pub last_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentNotice {
    pub id: ParentNoticeId,
    pub district_id: DistrictId,
    pub status: NoticeStatus,
    pub side: NoticeSide,
    /// The district's own case: the source case (disclosed) or the case the accept created (received).
    pub case_id: CaseId,
    pub case_number: String,
    pub person_of_concern: NoticeStudent,
    pub transfer_id: TransferId,
    pub other_district: DistrictRef,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_by: Option<UserRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<NoticeMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What the two districts' settings say, as the deliverer reads them when it is told of a change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeSettings {
    /// The disclosing district's annual notice covers forwarding records to a new school.
    pub annual_notice_covers_transfers: bool,
    /// The receiving district tells parents of each case it accepts.
    pub parent_notice_on_receive: bool,
}

/// The tasks one state change of `t` makes: `revealed` when it was the first right code (a verify
/// or an accept that revealed), `accepted` when the request was accepted (its created cases). The
/// source's settings decide the disclosed side, the destination's the received side.
pub fn tasks_for(
    t: &TransferRequest,
    revealed: bool,
    accepted: bool,
    source: NoticeSettings,
    destination: NoticeSettings,
    at: Timestamp,
) -> Vec<ParentNotice> {
    let mut tasks = Vec::new();
    let student = |source_case: &CaseId| {
        t.cases.iter().find(|c| &c.source_case_id == source_case).map(|c| NoticeStudent {
            first_name: c.header.person_of_concern.first_name.clone(),
            last_name: c.header.person_of_concern.last_name.clone(),
        })
    };
    let task =
        |side: NoticeSide, district: &DistrictRef, other: &DistrictRef, case: &CaseId, number: &str| ParentNotice {
            id: ParentNoticeId::derive(side.as_str(), &t.id, case),
            district_id: district.id.clone(),
            status: NoticeStatus::Open,
            side,
            case_id: case.clone(),
            case_number: number.to_owned(),
            person_of_concern: NoticeStudent { first_name: String::new(), last_name: String::new() },
            transfer_id: t.id.clone(),
            other_district: other.clone(),
            created_at: at,
            done_at: None,
            done_by: None,
            method: None,
            notified_on: None,
            note: None,
            reason: None,
        };
    if revealed && !source.annual_notice_covers_transfers {
        for c in &t.cases {
            let mut n =
                task(NoticeSide::Disclosed, &t.source, &t.destination, &c.source_case_id, &c.header.case_number);
            n.person_of_concern = student(&c.source_case_id).unwrap_or(n.person_of_concern);
            tasks.push(n);
        }
    }
    if accepted && destination.parent_notice_on_receive {
        for made in &t.created_cases {
            let mut n = task(NoticeSide::Received, &t.destination, &t.source, &made.case_id, &made.case_number);
            n.person_of_concern = student(&made.source_case_id).unwrap_or(n.person_of_concern);
            tasks.push(n);
        }
    }
    tasks
}

/// How a task is closed.
#[derive(Debug, Clone, PartialEq)]
pub enum Closing {
    Notified { method: NoticeMethod, notified_on: NaiveDate, note: Option<String> },
    NotRequired { reason: String },
}

pub const MAX_NOTICE_TEXT_CHARS: usize = 2_000;

impl Closing {
    /// What a person typed, checked: a date not after `today` (the district's), a note of free text,
    /// a reason that says something.
    pub fn problems(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut problems = Vec::new();
        match self {
            Closing::Notified { notified_on, note, .. } => {
                if *notified_on > today {
                    problems.push(FieldError::new("notifiedOn", "the day the parent was told, not a later one"));
                }
                if let Some(p) =
                    note.as_deref().and_then(|n| super::free_text_problem("note", n, MAX_NOTICE_TEXT_CHARS))
                {
                    problems.push(p);
                }
            }
            Closing::NotRequired { reason } => {
                if reason.trim().is_empty() {
                    problems.push(FieldError::new("reason", "say why no notice is required"));
                } else if let Some(p) = super::free_text_problem("reason", reason, MAX_NOTICE_TEXT_CHARS) {
                    problems.push(p);
                }
            }
        }
        problems
    }
}

impl ParentNotice {
    /// The task once closed by `by` at `at`; only an open task closes (409 `notice_not_open`).
    pub fn closed(&self, closing: Closing, by: UserRef, at: Timestamp) -> Result<ParentNotice, Error> {
        if self.status != NoticeStatus::Open {
            return Err(Error::NoticeNotOpen(self.status));
        }
        let mut n = self.clone();
        n.done_at = Some(at);
        n.done_by = Some(by);
        match closing {
            Closing::Notified { method, notified_on, note } => {
                n.status = NoticeStatus::Done;
                n.method = Some(method);
                n.notified_on = Some(notified_on);
                n.note = note.filter(|t| !t.trim().is_empty());
            }
            Closing::NotRequired { reason } => {
                n.status = NoticeStatus::NotRequired;
                n.reason = Some(reason);
            }
        }
        Ok(n)
    }
}
