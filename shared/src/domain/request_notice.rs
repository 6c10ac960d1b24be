//! Who is told what about a records request (api.md v1.2, "Records requests"). Texts name the districts,
//! the due date and where to go: never the student's name, date of birth or id, never the notes.

use super::ids::*;
use super::model::Timestamp;
use super::record_request::{RecordRequest, RequestEventType};
use super::transfer::EventActor;
use serde::{Deserialize, Serialize};

/// A state change of a records request waiting to be told: in the same transaction as the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestMessage {
    pub id: OutboxId,
    pub record_request_id: RecordRequestId,
    pub event: RequestEventType,
    pub at: Timestamp,
    pub actor: EventActor,
}

impl RequestMessage {
    pub fn new(r: &RecordRequest, event: RequestEventType, actor: EventActor, at: Timestamp) -> Self {
        RequestMessage { id: OutboxId::generate(), record_request_id: r.id.clone(), event, at, actor }
    }
}

/// The `type` of an in-app notification about a records request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestNoticeType {
    RecordRequested,
    RecordRequestFulfilled,
    RecordRequestDeclined,
    RecordRequestWithdrawn,
    RecordRequestDueSoon,
    RecordRequestOverdue,
}

impl From<RequestEventType> for RequestNoticeType {
    fn from(e: RequestEventType) -> Self {
        match e {
            RequestEventType::Created => RequestNoticeType::RecordRequested,
            RequestEventType::Fulfilled => RequestNoticeType::RecordRequestFulfilled,
            RequestEventType::Declined => RequestNoticeType::RecordRequestDeclined,
            RequestEventType::Withdrawn => RequestNoticeType::RecordRequestWithdrawn,
            RequestEventType::DueSoon => RequestNoticeType::RecordRequestDueSoon,
            RequestEventType::Overdue => RequestNoticeType::RecordRequestOverdue,
        }
    }
}

/// Which people of a request hear of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestAudience {
    /// The Manage Cases users of the district that must answer (email: and its notification address,
    /// when `district_address`).
    Recipient { district_address: bool },
    /// The Manage Cases users of the district that asked.
    Requesters,
    /// The person who asked.
    Creator,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestNotice {
    pub audience: RequestAudience,
    pub in_app: bool,
    pub email: bool,
    pub subject: String,
    pub body: String,
}

/// The notices a state change of `r` causes.
pub fn request_notices(event: RequestEventType, r: &RecordRequest, actor: &EventActor) -> Vec<RequestNotice> {
    let (from, to, who) = (&r.requesting_district.name, &r.recipient_district.name, &actor.name);
    let due = match r.due {
        Some(d) => format!("due on {}", d.date.format("%A, %B %-d, %Y")),
        None => "with no due date (no records rule is set)".to_owned(),
    };
    let notice = |audience, in_app, email, subject: String, body: String| RequestNotice {
        audience,
        in_app,
        email,
        subject,
        body,
    };
    use RequestAudience::*;
    match event {
        RequestEventType::Created => vec![notice(
            Recipient { district_address: true },
            true,
            true,
            format!("{from} requests a student's records, {due}"),
            format!(
                "{who} of {from} asked {to} for a student's records. The request is {due}. Open Records Requests \
                 to see who and to answer: send the cases, or decline (\"no records\" is an answer)."
            ),
        )],
        RequestEventType::Fulfilled | RequestEventType::Declined => {
            let (subject, body) = if event == RequestEventType::Fulfilled {
                (
                    format!("{to} answered your records request with a transfer"),
                    format!(
                        "{who} of {to} sent cases in answer to the records request of {from}. Accept them under \
                         Incoming Transfer Requests; {to} gives the authentication code by phone."
                    ),
                )
            } else {
                (
                    format!("{to} declined your records request"),
                    format!("{who} of {to} declined the records request of {from}. The reason is in the portal."),
                )
            };
            vec![notice(Creator, true, true, subject.clone(), body.clone()), notice(Requesters, true, false, subject, body)]
        }
        RequestEventType::Withdrawn => vec![notice(
            Recipient { district_address: false },
            true,
            false,
            format!("{from} withdrew a records request"),
            format!("{who} of {from} withdrew its records request to {to}. Nothing more is needed."),
        )],
        RequestEventType::DueSoon => vec![notice(
            Recipient { district_address: false },
            true,
            true,
            format!("A records request from {from} is due today"),
            format!("The records request of {from} to {to} is {due}. Answer it in Records Requests today."),
        )],
        RequestEventType::Overdue => vec![
            notice(
                Recipient { district_address: true },
                true,
                true,
                format!("A records request from {from} is overdue"),
                format!("The records request of {from} to {to} was {due} and is not answered. Answer it in Records Requests."),
            ),
            notice(
                Creator,
                true,
                true,
                format!("Your records request to {to} is overdue"),
                format!("{to} has not answered the records request of {from}, which was {due}."),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deadline::{Preset, RecordsRule};
    use crate::domain::record_request::StudentAsKnown;
    use crate::domain::{District, UserRef};

    fn district(id: &str, rule: Option<RecordsRule>) -> District {
        District {
            id: id.into(),
            name: format!("{id} Schools"),
            transfers_enabled: true,
            notification_email: None,
            time_zone: None,
            records_rule: rule,
            annual_notice_covers_transfers: None,
            parent_notice_on_receive: None,
            calendar: vec![],
        }
    }

    #[test]
    fn notices_name_districts_and_the_due_date_never_the_student() {
        let student = StudentAsKnown {
            first_name: "Jordan".into(),
            last_name: "Reyes".into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2011, 3, 14),
            state_student_id: Some("TX-123456".into()),
            former_school: Some("Lincoln Middle".into()),
        };
        let rule = RecordsRule::new(Preset::Tx, None, None).ok();
        let r = RecordRequest::new(
            &district("New", None),
            UserRef { id: "u-1".into(), name: "Nia".into() },
            &district("Old", rule),
            &[],
            student,
            None,
            Some("Jordan Reyes, call his mother".into()),
            Timestamp::now(),
        );
        let actor = EventActor { id: "u-1".into(), name: "Nia".into(), district_id: "New".into() };
        let due = r.due.unwrap().date.format("%A, %B %-d, %Y").to_string();
        for event in [
            RequestEventType::Created,
            RequestEventType::Fulfilled,
            RequestEventType::Declined,
            RequestEventType::Withdrawn,
            RequestEventType::DueSoon,
            RequestEventType::Overdue,
        ] {
            let notes = request_notices(event, &r, &actor);
            assert!(!notes.is_empty(), "{event:?}");
            for n in &notes {
                let text = format!("{} {}", n.subject, n.body);
                for secret in ["Jordan", "Reyes", "2011", "TX-123456", "Lincoln", "mother"] {
                    assert!(!text.contains(secret), "{event:?}: {text}");
                }
            }
        }
        let created = request_notices(RequestEventType::Created, &r, &actor);
        assert!(
            created[0].subject.contains(&due)
                && created[0].audience == RequestAudience::Recipient { district_address: true }
        );
        let overdue = request_notices(RequestEventType::Overdue, &r, &actor);
        assert_eq!(
            overdue.iter().map(|n| n.audience).collect::<Vec<_>>(),
            [RequestAudience::Recipient { district_address: true }, RequestAudience::Creator]
        );
        let withdrawn = request_notices(RequestEventType::Withdrawn, &r, &actor);
        assert!(!withdrawn[0].email, "in-app only");
    }
}
