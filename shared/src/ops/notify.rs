//! Telling people: fanning an outbox message out to in-app notifications and mail items, and
//! delivering mail with retries. Run by the `deliver` function, off the request path: on each message
//! the table's stream brings (`ops::deliver`), and by the schedule for whatever that did not finish.

use crate::domain::notification::{notices, AnyMessage, Audience, NoticeKind, Notification, OutboxMessage};
use crate::domain::{DistrictId, EventType, NotificationId, Permission, Timestamp, TransferRequest, User};
use crate::error::Error;
use crate::mail::text::render;
use crate::store::notifications::{Mail, MailStatus};
use crate::App;
use std::collections::HashSet;

/// How long a deliverer holds a mail it is sending before another may try it.
pub(crate) const LEASE_SECONDS: i64 = 60;

pub(crate) async fn fan_out_and_deliver(
    app: &App,
    m: &OutboxMessage,
    t: &TransferRequest,
) -> Result<DeliveryRun, Error> {
    let mails = fan_out_message(app, m, t).await?;
    Ok(deliver_claimed(app, mails).await)
}

/// Fans one message out and takes it off the outbox queue; returns the mails this call holds.
pub(crate) async fn fan_out_message(app: &App, m: &OutboxMessage, t: &TransferRequest) -> Result<Vec<Mail>, Error> {
    let mails = fan_out(app, m, t).await?;
    super::parent_notices::make_tasks(app, m, t).await?;
    app.store.mark_fanned_out(&m.id, app.clock.now()).await?;
    Ok(mails)
}

/// Works out who is told what and writes it down. The mail items are created already claimed by this
/// caller (status `sending`, a short lease), so no other deliverer sends them at the same time; if
/// this process dies, the lease runs out and the scheduled deliverer takes them over.
pub async fn fan_out(app: &App, m: &OutboxMessage, t: &TransferRequest) -> Result<Vec<Mail>, Error> {
    let store = &app.store;
    let notes = notices(m.event, t, &m.actor);
    let wants = |a: Audience| notes.iter().any(|n| n.audience == a);
    let managers = |district: &DistrictId, wanted: bool| {
        let district = district.clone();
        async move {
            if wanted {
                store.users_with(&district, Permission::ManageCases).await
            } else {
                Ok(vec![])
            }
        }
    };
    let new_request = m.event == EventType::Created;
    let (source, destination, sender, dest_district) = tokio::join!(
        managers(&t.source.id, wants(Audience::Source)),
        managers(&t.destination.id, wants(Audience::Destination)),
        async {
            if wants(Audience::Sender) {
                store.user(&t.source.id, &t.created_by.id).await.map(|u| u.into_iter().collect())
            } else {
                Ok(vec![])
            }
        },
        async {
            if new_request {
                store.district(&t.destination.id).await
            } else {
                Ok(None)
            }
        },
    );
    let (source, destination, sender): (Vec<User>, Vec<User>, Vec<User>) = (source?, destination?, sender?);
    // The district's own safety address hears of new requests only; decisions go to people.
    let district_address = dest_district?.and_then(|d| d.district.notification_email);
    let link = format!("{}/transfers/{}", app.config.app_base_url, t.id);
    let lease = app.clock.now() + chrono::Duration::seconds(LEASE_SECONDS);

    let mut in_app = Vec::new();
    let mut mails = Vec::new();
    let (mut told, mut mailed) = (HashSet::new(), HashSet::new());
    for notice in &notes {
        let users: &[User] = match notice.audience {
            Audience::Source => &source,
            Audience::Destination => &destination,
            Audience::Sender => &sender,
        };
        if notice.in_app {
            for u in users.iter().filter(|u| told.insert((u.district_id.clone(), u.id.clone()))) {
                in_app.push(Notification {
                    id: NotificationId::of(&m.id),
                    district_id: u.district_id.clone(),
                    user_id: u.id.clone(),
                    transfer_id: Some(t.id.clone()),
                    record_request_id: None,
                    kind: NoticeKind::Transfer(m.event),
                    title: notice.subject.clone(),
                    body: notice.body.clone(),
                    link: link.clone(),
                    created_at: m.at,
                    read_at: None,
                });
            }
        }
        if notice.email {
            let mut addresses: Vec<String> = users.iter().map(|u| u.email.to_lowercase()).collect();
            if notice.audience == Audience::Destination {
                addresses.extend(district_address.iter().map(|a| a.to_lowercase()));
            }
            for to in addresses.into_iter().filter(|a| mailed.insert(a.clone())) {
                let out = render(notice, &to, &link);
                mails.push(Mail::claimed(&m.id, to, out, lease));
            }
        }
    }
    store.fan_out(&in_app, mails).await
}

/// Sends mails this process holds the claim on, all at once.
pub(crate) async fn deliver_claimed(app: &App, mails: Vec<Mail>) -> DeliveryRun {
    let results = futures::future::join_all(mails.into_iter().map(|m| send_claimed(app, m))).await;
    let mut run = DeliveryRun::default();
    for result in results {
        run.count(result);
    }
    run
}

/// One attempt of a mail already claimed: send it, and record how it went. A failure schedules the
/// next attempt with exponential backoff, until the limit marks it failed (and logs an error, which
/// the template turns into an alarm).
async fn send_claimed(app: &App, claimed: Mail) -> Result<MailStatus, Error> {
    let outgoing = crate::mail::OutgoingMail {
        to: claimed.to.clone(),
        subject: claimed.subject.clone(),
        text: claimed.text.clone(),
        html: claimed.html.clone(),
    };
    let result = app.mailer.send(&outgoing).await;
    let mut done = claimed;
    match result {
        Ok(()) => {
            done.status = MailStatus::Sent;
            done.sent_at = Some(app.clock.now());
            done.last_error = None;
        }
        Err(e) => {
            let cause = match &e {
                Error::Unavailable(c) => c.clone(),
                other => other.to_string(),
            };
            done.last_error = Some(cause.chars().take(500).collect());
            if done.attempts >= app.config.mail_max_attempts {
                done.status = MailStatus::Failed;
                tracing::error!(outbox_id = %done.outbox_id, attempts = done.attempts, "mail delivery failed for good");
            } else {
                done.status = MailStatus::Pending;
                let backoff = app.config.mail_retry_base_seconds << (done.attempts - 1).min(10);
                done.next_attempt_at = app.clock.now() + chrono::Duration::seconds(backoff);
                tracing::warn!(outbox_id = %done.outbox_id, attempts = done.attempts, "mail delivery will be retried");
            }
        }
    }
    app.store.finish_mail(&done).await?;
    Ok(done.status)
}

/// One attempt of a due mail: claim it first, so two deliverers never both send it.
pub async fn deliver(app: &App, mail: Mail, now: Timestamp) -> Result<MailStatus, Error> {
    let lease = now + chrono::Duration::seconds(LEASE_SECONDS);
    if !app.store.claim_mail(&mail, now, lease).await? {
        return Ok(MailStatus::Sending);
    }
    let mut claimed = mail;
    claimed.attempts += 1;
    claimed.status = MailStatus::Sending;
    claimed.next_attempt_at = lease;
    send_claimed(app, claimed).await
}

/// What one run of the scheduled deliverer did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRun {
    pub fanned_out: usize,
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

impl DeliveryRun {
    fn count(&mut self, result: Result<MailStatus, Error>) {
        match result {
            Ok(MailStatus::Sent) => self.sent += 1,
            Ok(MailStatus::Failed) => self.failed += 1,
            Ok(MailStatus::Pending) => self.retrying += 1,
            // Claimed by another deliverer in the meantime: not ours to count.
            Ok(MailStatus::Sending) => {}
            Err(e) => {
                self.retrying += 1;
                tracing::warn!(error = %e, "mail attempt not recorded");
            }
        }
    }

    fn add(&mut self, other: DeliveryRun) {
        self.sent += other.sent;
        self.retrying += other.retrying;
        self.failed += other.failed;
    }
}

/// The scheduled deliverer: finishes fan-outs that did not happen after their commit, then attempts
/// every mail that is due.
pub async fn run_due(app: &App) -> Result<DeliveryRun, Error> {
    let mut run = DeliveryRun::default();
    for message in app.store.outbox_due(50).await? {
        let m = match message {
            AnyMessage::Transfer(m) => m,
            AnyMessage::Request(m) => {
                match super::notify_requests::fan_out_request(app, &m).await {
                    Ok(mails) => {
                        run.fanned_out += 1;
                        run.add(deliver_claimed(app, mails).await);
                    }
                    Err(e) => tracing::warn!(error = %e, outbox_id = %m.id, "fan-out failed; will retry"),
                }
                continue;
            }
        };
        let Some(t) = app.store.transfer(&m.transfer_id).await? else { continue };
        match fan_out_and_deliver(app, &m, &t).await {
            Ok(delivered) => {
                run.fanned_out += 1;
                run.add(delivered);
            }
            Err(e) => tracing::warn!(error = %e, outbox_id = %m.id, "fan-out failed; will retry"),
        }
    }
    let now = app.clock.now();
    let due = app.store.mail_due(now, 100).await?;
    for result in futures::future::join_all(due.into_iter().map(|mail| deliver(app, mail, now))).await {
        run.count(result);
    }
    Ok(run)
}
