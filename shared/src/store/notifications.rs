//! The outbox and in-app notifications. A state change records one outbox message in its own
//! transaction; fanning it out writes one in-app notification per user and one mail item per address,
//! each with a key derived from the message, so doing it again changes nothing.

use super::cursor::Scope;
use super::keys::{self, GSI3, PK, SK};
use super::{from_item, n, s, to_item, Item, Page, Store};
use crate::domain::notification::{AnyMessage, Notification};
use crate::domain::{DistrictId, NotificationId, OutboxId, Timestamp, UserId};
use crate::error::Error;
use serde::{Deserialize, Serialize};

pub const MAIL_DUE: &str = "MAIL";
/// Conditional puts of one fan-out in flight at once (a district may have hundreds of managers).
const PUTS_IN_FLIGHT: usize = 16;
pub const MAIL_FAILED: &str = "MAIL#FAILED";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MailStatus {
    Pending,
    Sending,
    Sent,
    Failed,
}

/// One email to one address, delivered (and retried) by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mail {
    pub outbox_id: OutboxId,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub status: MailStatus,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl Mail {
    /// A new mail of `outbox`'s fan-out, created already claimed by its creator until `lease` (see
    /// `ops::notify`), its first attempt under way.
    pub fn claimed(outbox: &OutboxId, to: String, out: crate::mail::OutgoingMail, lease: Timestamp) -> Mail {
        Mail {
            outbox_id: outbox.clone(),
            to,
            subject: out.subject,
            text: out.text,
            html: out.html,
            status: MailStatus::Sending,
            attempts: 1,
            next_attempt_at: lease,
            sent_at: None,
            last_error: None,
        }
    }
}

fn mail_item(m: &Mail) -> Result<Item, Error> {
    let mut item = to_item(m)?;
    item.extend(keys::mail(&m.outbox_id, &m.to));
    let queue = match m.status {
        MailStatus::Pending | MailStatus::Sending => Some(MAIL_DUE),
        MailStatus::Failed => Some(MAIL_FAILED),
        MailStatus::Sent => None,
    };
    if let Some(queue) = queue {
        item.insert("gsi3pk".into(), s(queue));
        item.insert("gsi3sk".into(), s(format!("{}#{}#{}", m.next_attempt_at, m.outbox_id, m.to)));
    }
    Ok(item)
}

impl Store {
    /// Outbox messages not yet fanned out, oldest first.
    pub async fn outbox_due(&self, limit: i32) -> Result<Vec<AnyMessage>, Error> {
        self.index_items(GSI3, keys::OUTBOX_DUE, None, false, Some(limit)).await
    }

    /// Writes the in-app notifications and the mail items of one message. Each is created only if
    /// missing, so a message fanned out twice (a stream record seen again, the sweeper racing the
    /// stream) tells nobody twice, and never marks a read notification unread again. The mails this
    /// call created are returned (they are created claimed by the caller, see `Mail`).
    pub async fn fan_out(&self, notes: &[Notification], mails: Vec<Mail>) -> Result<Vec<Mail>, Error> {
        use futures::stream::{self, StreamExt, TryStreamExt};
        let mut items = Vec::with_capacity(notes.len());
        for note in notes {
            let mut item = to_item(note)?;
            item.extend(keys::notification(&note.district_id, &note.user_id, &note.id));
            items.push(item);
        }
        let notes = stream::iter(items)
            .map(|item| async move { self.put_if_missing(item).await })
            .buffer_unordered(PUTS_IN_FLIGHT)
            .try_collect::<Vec<bool>>();
        let mails = stream::iter(mails)
            .map(|mail| async move { Ok::<_, Error>(self.put_if_missing(mail_item(&mail)?).await?.then_some(mail)) })
            .buffer_unordered(PUTS_IN_FLIGHT)
            .try_collect::<Vec<Option<Mail>>>();
        let (notes, mails) = tokio::join!(notes, mails);
        notes?;
        Ok(mails?.into_iter().flatten().collect())
    }

    /// Puts an item unless one with its key exists; whether it did.
    pub(crate) async fn put_if_missing(&self, item: Item) -> Result<bool, Error> {
        let put = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        Ok(super::conditional(put)?.is_some())
    }

    /// The message is fanned out: it leaves the outbox queue.
    pub async fn mark_fanned_out(&self, message: &OutboxId, now: Timestamp) -> Result<(), Error> {
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::outbox(message)))
            .update_expression("SET fannedOutAt = :now REMOVE gsi3pk, gsi3sk")
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await?;
        Ok(())
    }

    /// Mails due for a (first or further) attempt at `now`.
    pub async fn mail_due(&self, now: Timestamp, limit: i32) -> Result<Vec<Mail>, Error> {
        // `~` sorts after every character of the rest of the key: everything due at or before `now`.
        self.index_items(GSI3, MAIL_DUE, Some(format!("{now}~")), false, Some(limit)).await
    }

    /// Claims a mail for one delivery attempt. Only one deliverer wins the claim, so two deliverers
    /// running at once never both send it. The claim expires (`lease_until`) if the deliverer dies.
    pub async fn claim_mail(&self, m: &Mail, now: Timestamp, lease_until: Timestamp) -> Result<bool, Error> {
        let mut claimed = m.clone();
        claimed.status = MailStatus::Sending;
        claimed.attempts += 1;
        claimed.next_attempt_at = lease_until;
        let result = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(mail_item(&claimed)?))
            .condition_expression("attempts = :seen AND #status IN (:pending, :sending) AND nextAttemptAt <= :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":seen", n(m.attempts))
            .expression_attribute_values(":pending", s(<&str>::from(MailStatus::Pending)))
            .expression_attribute_values(":sending", s(<&str>::from(MailStatus::Sending)))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Records the outcome of a claimed attempt.
    pub async fn finish_mail(&self, m: &Mail) -> Result<(), Error> {
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(mail_item(m)?))
            .condition_expression("attempts = :seen AND #status = :sending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":seen", n(m.attempts))
            .expression_attribute_values(":sending", s(<&str>::from(MailStatus::Sending)))
            .send()
            .await?;
        Ok(())
    }

    /// Mail that failed every attempt: kept, and listed here for operators (sparse on gsi3).
    pub async fn failed_mail(&self, limit: i32) -> Result<Vec<Mail>, Error> {
        self.index_items(GSI3, MAIL_FAILED, None, true, Some(limit)).await
    }

    /// A user's in-app notifications, newest first.
    pub async fn notifications(
        &self,
        district: &DistrictId,
        user: &UserId,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<Notification>, Error> {
        let pk = keys::inbox_pk(district, user);
        let scope = Scope::new("notifications").with(district).with(user);
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let (items, last) = self
            .query_page(|| self.prefix_query(&pk, "NOTE#").scan_index_forward(false), limit, start, &[PK, SK])
            .await?;
        self.page(&scope, items, last)
    }

    /// How many of a user's notifications are unread: a COUNT Query on the user's own partition.
    pub async fn unread_count(&self, district: &DistrictId, user: &UserId) -> Result<u64, Error> {
        let mut total = 0u64;
        let mut start = None;
        let pk = keys::inbox_pk(district, user);
        loop {
            let out = self
                .prefix_query(&pk, "NOTE#")
                .filter_expression("attribute_not_exists(readAt)")
                .select(aws_sdk_dynamodb::types::Select::Count)
                .set_exclusive_start_key(start.take())
                .send()
                .await?;
            total += out.count.max(0) as u64;
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(total),
            }
        }
    }

    /// Marks one of the user's own notifications read; another user's is not found.
    pub async fn mark_read(
        &self,
        district: &DistrictId,
        user: &UserId,
        id: &NotificationId,
        now: Timestamp,
    ) -> Result<Notification, Error> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::notification(district, user, id)))
            .update_expression("SET readAt = if_not_exists(readAt, :now)")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match out {
            Ok(out) => from_item(out.attributes.unwrap_or_default()),
            Err(e) if is_condition_failure(&e) => Err(Error::NotFound),
            Err(e) => Err(e.into()),
        }
    }
}

pub(crate) fn is_condition_failure<E: aws_sdk_dynamodb::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_dynamodb::error::SdkError<E, R>,
) -> bool {
    e.as_service_error().and_then(|s| s.code()) == Some("ConditionalCheckFailedException")
}
