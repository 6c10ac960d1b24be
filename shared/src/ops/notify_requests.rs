//! Telling people about a records request: one outbox message fanned out to in-app notifications and
//! mail items, by the same mechanism as transfers (`ops::notify`): off the request path, each written
//! only if missing, mail delivered with retries.

use super::notify::LEASE_SECONDS;
use crate::domain::notification::{Audience, Notice, NoticeKind, Notification};
use crate::domain::request_notice::{request_notices, RequestAudience, RequestMessage};
use crate::domain::{NotificationId, Permission, User};
use crate::error::Error;
use crate::mail::text::render;
use crate::store::notifications::Mail;
use crate::App;
use std::collections::HashSet;

/// Fans one message out and takes it off the outbox queue; returns the mails this call holds.
pub(crate) async fn fan_out_request(app: &App, m: &RequestMessage) -> Result<Vec<Mail>, Error> {
    let store = &app.store;
    let Some(r) = store.record_request(&m.record_request_id).await? else {
        tracing::warn!(outbox_id = %m.id, "outbox message without its records request");
        store.mark_fanned_out(&m.id, app.clock.now()).await?;
        return Ok(vec![]);
    };
    let notes = request_notices(m.event, &r, &m.actor);
    let wants = |f: fn(&RequestAudience) -> bool| notes.iter().any(|n| f(&n.audience));
    let (recipients, requesters, creator, district) = tokio::join!(
        async {
            match wants(|a| matches!(a, RequestAudience::Recipient { .. })) {
                true => store.users_with(&r.recipient_district.id, Permission::ManageCases).await,
                false => Ok(vec![]),
            }
        },
        async {
            match wants(|a| *a == RequestAudience::Requesters) {
                true => store.users_with(&r.requesting_district.id, Permission::ManageCases).await,
                false => Ok(vec![]),
            }
        },
        async {
            match wants(|a| *a == RequestAudience::Creator) {
                true => store.user(&r.requesting_district.id, &r.created_by.id).await.map(|u| u.into_iter().collect()),
                false => Ok(vec![]),
            }
        },
        async {
            match notes.iter().any(|n| n.email && n.audience == RequestAudience::Recipient { district_address: true }) {
                true => store.district(&r.recipient_district.id).await,
                false => Ok(None),
            }
        },
    );
    let (recipients, requesters, creator): (Vec<User>, Vec<User>, Vec<User>) = (recipients?, requesters?, creator?);
    let district_address = district?.and_then(|d| d.district.notification_email);
    let link = format!("{}/record-requests/{}", app.config.app_base_url, r.id);
    let lease = app.clock.now() + chrono::Duration::seconds(LEASE_SECONDS);
    let (mut in_app, mut mails) = (Vec::new(), Vec::new());
    let (mut told, mut mailed) = (HashSet::new(), HashSet::new());
    for n in &notes {
        let users: &[User] = match n.audience {
            RequestAudience::Recipient { .. } => &recipients,
            RequestAudience::Requesters => &requesters,
            RequestAudience::Creator => &creator,
        };
        if n.in_app {
            for u in users.iter().filter(|u| told.insert((u.district_id.clone(), u.id.clone()))) {
                in_app.push(Notification {
                    id: NotificationId::of(&m.id),
                    district_id: u.district_id.clone(),
                    user_id: u.id.clone(),
                    transfer_id: None,
                    record_request_id: Some(r.id.clone()),
                    kind: NoticeKind::Request(m.event.into()),
                    title: n.subject.clone(),
                    body: n.body.clone(),
                    link: link.clone(),
                    created_at: m.at,
                    read_at: None,
                });
            }
        }
        if n.email {
            let mut addresses: Vec<String> = users.iter().map(|u| u.email.to_lowercase()).collect();
            if n.audience == (RequestAudience::Recipient { district_address: true }) {
                addresses.extend(district_address.iter().map(|a| a.to_lowercase()));
            }
            let notice = Notice {
                audience: Audience::Destination,
                in_app: n.in_app,
                email: true,
                subject: n.subject.clone(),
                body: n.body.clone(),
            };
            for to in addresses.into_iter().filter(|a| mailed.insert(a.clone())) {
                let out = render(&notice, &to, &link);
                mails.push(Mail::claimed(&m.id, to, out, lease));
            }
        }
    }
    let held = store.fan_out(&in_app, mails).await?;
    store.mark_fanned_out(&m.id, app.clock.now()).await?;
    Ok(held)
}
