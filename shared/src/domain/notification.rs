//! Who is told what when a transfer changes state. Texts carry district names, counts, who acted and
//! where to go: never a student's name or birth date, never case contents, never the code.

use super::ids::*;
use super::model::*;
use super::transfer::{EventActor, EventType, TransferRequest};
use serde::{Deserialize, Serialize};

/// A state change waiting to be told: recorded in the same transaction as the change itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub id: OutboxId,
    pub event: EventType,
    pub transfer_id: TransferId,
    pub at: Timestamp,
    pub actor: EventActor,
    /// The change was the first right code: the request's contents were revealed (the deliverer makes
    /// the disclosing district's parent-notice tasks from it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revealed: bool,
}

/// Which group of people a notice goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Users with Manage Cases in the sending district.
    Source,
    /// Users with Manage Cases in the destination district (and its notification address for email).
    Destination,
    /// The user who sent the transfer.
    Sender,
}

/// One notice to one audience, in-app and/or by email.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub audience: Audience,
    pub in_app: bool,
    pub email: bool,
    pub subject: String,
    pub body: String,
}

/// An in-app notification of one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: NotificationId,
    /// The inbox it is in: a user of a district (user ids are unique within a district only).
    pub district_id: DistrictId,
    pub user_id: UserId,
    /// What it is about: a transfer request or a records request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_id: Option<TransferId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_request_id: Option<RecordRequestId>,
    #[serde(rename = "type")]
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub link: String,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<Timestamp>,
}

/// What happened, as an in-app notification's `type` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NoticeKind {
    Transfer(EventType),
    Request(super::request_notice::RequestNoticeType),
}

/// A message of the outbox, whichever request it is about (told apart by their ids' fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AnyMessage {
    Transfer(OutboxMessage),
    Request(super::request_notice::RequestMessage),
}

impl AnyMessage {
    pub fn id(&self) -> &OutboxId {
        match self {
            AnyMessage::Transfer(m) => &m.id,
            AnyMessage::Request(m) => &m.id,
        }
    }
}

fn cases(n: usize) -> String {
    if n == 1 {
        "1 case".into()
    } else {
        format!("{n} cases")
    }
}

/// The notices a state change causes.
pub fn notices(event: EventType, t: &TransferRequest, actor: &EventActor) -> Vec<Notice> {
    let (src, dst, n) = (&t.source.name, &t.destination.name, cases(t.cases.len()));
    let who = &actor.name;
    let both = |audience, subject: String, body: String| Notice { audience, in_app: true, email: true, subject, body };
    let other_side_and_sender = |subject: String, body: String, other: Audience| {
        vec![both(other, subject.clone(), body.clone()), both(Audience::Sender, subject, body)]
    };
    match event {
        EventType::Created => vec![
            both(
                Audience::Source,
                format!("{n} pending transfer out to {dst}"),
                format!(
                    "{who} sent {n} from {src} to {dst}. The cases are pending transfer out until {dst} accepts, \
                     rejects or the request expires on {}. Share the authentication code with {dst} by phone or \
                     in person; it is never emailed.",
                    t.expires_at.0.format("%Y-%m-%d")
                ),
            ),
            Notice {
                audience: Audience::Destination,
                // In the portal too (api.md v1.2): the people who must act hear of it where they work.
                in_app: true,
                email: true,
                subject: format!("{src} sent you a case transfer request"),
                body: format!(
                    "{who} of {src} sent {dst} a transfer request with {n}. Open Incoming Transfer Requests to \
                     review it. You will need the authentication code, which {src} will give you by phone or in \
                     person."
                ),
            },
        ],
        EventType::Accepted => match t.outcome_counts() {
            (_, 0) => other_side_and_sender(
                format!("{dst} accepted your transfer of {n}"),
                format!(
                    "{who} of {dst} accepted the transfer of {n} from {src}. The source cases are now transferred out."
                ),
                Audience::Source,
            ),
            (taken, declined) => other_side_and_sender(
                format!("{dst} accepted {taken} and declined {declined} of your transfer of {n}"),
                format!(
                    "{who} of {dst} accepted {} and declined {} of the transfer of {n} from {src}. The accepted \
                     cases are now transferred out; the declined ones are yours again and can be sent again (the \
                     reasons are in the portal).",
                    cases(taken),
                    cases(declined)
                ),
                Audience::Source,
            ),
        },
        EventType::Rejected => other_side_and_sender(
            format!("{dst} rejected your transfer of {n}"),
            format!(
                "{who} of {dst} rejected the transfer of {n} from {src}{}. The cases can be sent again.",
                reason_text(t)
            ),
            Audience::Source,
        ),
        EventType::Cancelled => other_side_and_sender(
            format!("{src} cancelled a transfer of {n}"),
            format!("{who} of {src} cancelled the transfer request of {n} to {dst}{}.", reason_text(t)),
            Audience::Destination,
        ),
        EventType::Expired => vec![
            both(
                Audience::Source,
                format!("Your transfer of {n} to {dst} expired"),
                format!("The transfer request of {n} from {src} to {dst} expired before it was decided. The cases can be sent again."),
            ),
            both(
                Audience::Destination,
                format!("A transfer request from {src} expired"),
                format!("The transfer request of {n} from {src} to {dst} expired before it was decided."),
            ),
            both(
                Audience::Sender,
                format!("Your transfer of {n} to {dst} expired"),
                format!("The transfer request of {n} from {src} to {dst} expired before it was decided. The cases can be sent again."),
            ),
        ],
        EventType::CodeLocked => other_side_and_sender(
            format!("Transfer to {dst} locked after failed code attempts"),
            format!(
                "The transfer request of {n} from {src} to {dst} is locked after too many wrong authentication \
                 codes. The sender can issue a new code and share it with {dst} by phone or in person."
            ),
            Audience::Source,
        ),
        _ => Vec::new(),
    }
}

fn reason_text(t: &TransferRequest) -> String {
    // A reason is free text a person typed: kept out of email bodies, since it could name a student.
    if t.reason.is_some() {
        " (a reason was given; see the request in the portal)".into()
    } else {
        String::new()
    }
}
