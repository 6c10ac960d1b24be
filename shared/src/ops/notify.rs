//! Telling people: fanning an outbox message out to in-app notifications and mail items, and
//! delivering mail with retries. Called right after a commit, and by the scheduled deliverer for
//! whatever that did not finish.

use crate::domain::notification::{notices, Audience, Notification, OutboxMessage};
use crate::domain::{Permission, Timestamp, User};
use crate::error::Error;
use crate::mail::text::render;
use crate::store::notifications::{Mail, MailStatus};
use crate::App;
use std::collections::HashSet;

/// After a commit: fan out and try to deliver at once. Failures are logged, never returned: the
/// state change has happened, and the scheduled deliverer picks up whatever is left.
pub async fn dispatch(app: &App, message: &OutboxMessage) {
    match fan_out(app, message).await {
        Ok(mails) => {
            let now = app.clock.now();
            let attempts = mails.into_iter().map(|mail| deliver(app, mail, now));
            for result in futures::future::join_all(attempts).await {
                if let Err(e) = result {
                    tracing::warn!(error = %e, "mail delivery deferred");
                }
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, cause = ?e, "fan-out deferred to the scheduled deliverer")
        }
    }
}

/// Works out who is told what and writes it down. Returns the mail items it created.
pub async fn fan_out(app: &App, m: &OutboxMessage) -> Result<Vec<Mail>, Error> {
    let store = &app.store;
    let t = store.transfer(&m.transfer_id).await?.ok_or(Error::NotFound)?;
    let notes = notices(m.event, &t, &m.actor);
    let wants = |a: Audience| notes.iter().any(|n| n.audience == a);
    let (source, destination, sender, dest_district) = tokio::join!(
        async {
            if wants(Audience::Source) {
                store.users_with(&t.source.id, Permission::ManageCases).await
            } else {
                Ok(vec![])
            }
        },
        async {
            if wants(Audience::Destination) {
                store.users_with(&t.destination.id, Permission::ManageCases).await
            } else {
                Ok(vec![])
            }
        },
        async {
            if wants(Audience::Sender) {
                store.user(&t.source.id, &t.created_by.id).await.map(|u| u.into_iter().collect())
            } else {
                Ok(vec![])
            }
        },
        async {
            if wants(Audience::Destination) {
                store.district(&t.destination.id).await
            } else {
                Ok(None)
            }
        },
    );
    let (source, destination, sender): (Vec<User>, Vec<User>, Vec<User>) = (source?, destination?, sender?);
    let district_address = dest_district?.and_then(|d| d.district.notification_email);
    let link = format!("{}/transfers/{}", app.config.app_base_url, t.id);
    let ulid = m.id.trim_start_matches("ob-");

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
            for u in users.iter().filter(|u| told.insert(u.id.clone())) {
                in_app.push(Notification {
                    id: format!("n-{ulid}-{}", u.id),
                    user_id: u.id.clone(),
                    transfer_id: t.id.clone(),
                    kind: m.event,
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
            // The district's own safety address hears of new requests only; decisions go to people.
            if notice.audience == Audience::Destination && m.event == crate::domain::EventType::Created {
                addresses.extend(district_address.iter().map(|a| a.to_lowercase()));
            }
            for to in addresses.into_iter().filter(|a| mailed.insert(a.clone())) {
                let out = render(notice, &to, &link);
                mails.push(Mail {
                    outbox_id: m.id.clone(),
                    to,
                    subject: out.subject,
                    text: out.text,
                    html: out.html,
                    status: MailStatus::Pending,
                    attempts: 0,
                    next_attempt_at: m.at,
                    sent_at: None,
                    last_error: None,
                });
            }
        }
    }
    store.fan_out(m, &in_app, &mails).await?;
    Ok(mails)
}

/// One delivery attempt of one mail: claim it (so no other deliverer sends it too), send, record.
/// A failure schedules the next attempt with exponential backoff, until the limit marks it failed.
pub async fn deliver(app: &App, mail: Mail, now: Timestamp) -> Result<MailStatus, Error> {
    let lease = now + chrono::Duration::seconds(60);
    if !app.store.claim_mail(&mail, now, lease).await? {
        return Ok(mail.status);
    }
    let mut claimed = mail.clone();
    claimed.attempts += 1;
    claimed.status = MailStatus::Sending;
    claimed.next_attempt_at = lease;
    let outgoing = crate::mail::OutgoingMail {
        to: claimed.to.clone(),
        subject: claimed.subject.clone(),
        text: claimed.text.clone(),
        html: claimed.html.clone(),
    };
    let result = app.mailer.send(&outgoing).await;
    let mut done = claimed.clone();
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
            }
        }
    }
    app.store.finish_mail(&done).await?;
    Ok(done.status)
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

/// The scheduled deliverer: finishes fan-outs that did not happen after their commit, then attempts
/// every mail that is due.
pub async fn run_due(app: &App) -> Result<DeliveryRun, Error> {
    let mut run = DeliveryRun::default();
    for m in app.store.outbox_due(50).await? {
        match fan_out(app, &m).await {
            Ok(_) => run.fanned_out += 1,
            Err(e) => tracing::warn!(error = %e, outbox_id = %m.id, "fan-out failed; will retry"),
        }
    }
    let now = app.clock.now();
    for mail in app.store.mail_due(now, 100).await? {
        match deliver(app, mail, now).await {
            Ok(MailStatus::Sent) => run.sent += 1,
            Ok(MailStatus::Failed) => run.failed += 1,
            Ok(_) => run.retrying += 1,
            Err(e) => {
                run.retrying += 1;
                tracing::warn!(error = %e, "mail attempt not recorded");
            }
        }
    }
    Ok(run)
}
