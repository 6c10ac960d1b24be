//! Records requests (api.md v1.2): one item per request in its own partition with its events; the
//! requesting district's list on gsi1 (`ROUT#`), the recipient's on gsi2 (`RIN#`), newest first. A
//! request is created with its first event in one transaction that also checks the requester's switch;
//! a decision changes an open request only (a condition), with its event, in one transaction.

use super::cursor::Scope;
use super::keys::{self, GSI1, GSI2, PK, SK};
use super::reminders::Reminder;
use super::{from_item, s, to_item, Item, Page, Store};
use crate::domain::record_request::{RecordRequest, RequestEvent, RequestStatus};
use crate::domain::request_notice::RequestMessage;
use crate::domain::{event_suffix, DistrictId, RecordRequestId, Timestamp};
use crate::error::Error;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem, Update};

/// What creating a request did.
#[derive(Debug)]
pub enum Created {
    New,
    /// The same request was made before with the same Idempotency-Key: that one.
    Replay(Box<RecordRequest>),
}

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestDirection {
    /// Addressed to the caller's district.
    Incoming,
    /// Asked by the caller's district.
    Outgoing,
}

/// What a list keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestFilter {
    pub status: Option<RequestStatus>,
    /// Only open requests past their due time.
    pub overdue: bool,
}

fn request_item(r: &RecordRequest) -> Result<Item, Error> {
    let mut item = to_item(r)?;
    item.extend(keys::record_request(&r.id));
    let order = format!("{}#{}", r.created_at, r.id);
    item.insert("gsi1pk".into(), s(keys::requests_out_pk(&r.requesting_district.id)));
    item.insert("gsi1sk".into(), s(order.as_str()));
    item.insert("gsi2pk".into(), s(keys::requests_in_pk(&r.recipient_district.id)));
    item.insert("gsi2sk".into(), s(order));
    // For the overdue filter: a string that compares as the instant does.
    if let Some(due) = r.due {
        item.insert("dueAt".into(), s(due.at.to_rfc3339()));
        // The first reminder waits on the due-time index (`Reminder`).
        if r.status == RequestStatus::Open {
            item.extend(super::reminders::reminder_keys(Reminder::DueSoon, due.soon_at, &r.id));
        }
    }
    Ok(item)
}

/// Its outbox message, queued (gsi3) until it is fanned out, like a transfer's.
pub(crate) fn message_item(m: &RequestMessage) -> Result<Item, Error> {
    let mut item = to_item(m)?;
    item.extend(keys::outbox(&m.id));
    item.insert("gsi3pk".into(), s(keys::OUTBOX_DUE));
    item.insert("gsi3sk".into(), s(format!("{}#{}", m.at, m.id)));
    Ok(item)
}

pub(crate) fn event_item(id: &RecordRequestId, e: &RequestEvent) -> Result<Item, Error> {
    let mut item = to_item(e)?;
    item.extend(keys::record_request_event(id, e.at, &event_suffix()));
    Ok(item)
}

impl Store {
    /// Writes a new request and its `created` event, if the requester's transfers are still ON.
    pub async fn create_record_request(
        &self,
        r: &RecordRequest,
        event: &RequestEvent,
        message: &RequestMessage,
        request_hash: Option<&str>,
    ) -> Result<Created, Error> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(keys::district(&r.requesting_district.id)))
            .condition_expression("transfersEnabled = :on")
            .expression_attribute_values(":on", AttributeValue::Bool(true))
            .build()?;
        let items = vec![
            TransactWriteItem::builder().condition_check(check).build(),
            self.put(
                {
                    let mut item = request_item(r)?;
                    if let Some(h) = request_hash {
                        item.insert("requestHash".into(), s(h));
                    }
                    item
                },
                Some("attribute_not_exists(pk)"),
            )?,
            self.put(event_item(&r.id, event)?, None)?,
            self.put(message_item(message)?, None)?,
        ];
        match self.db.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(Created::New),
            Err(e) if cancelled_at(&e, 0) => Err(Error::TransfersDisabled),
            // The id was derived from an Idempotency-Key: the same request again is a replay.
            Err(e) if cancelled_at(&e, 1) => {
                let out = self
                    .db
                    .get_item()
                    .table_name(&self.table)
                    .set_key(Some(keys::record_request(&r.id)))
                    .consistent_read(true)
                    .send()
                    .await?;
                let item = out.item.unwrap_or_default();
                let same = request_hash.is_some()
                    && item.get("requestHash").and_then(|v| v.as_s().ok()).map(String::as_str) == request_hash;
                let existing: RecordRequest = from_item(item)?;
                if same && existing.requesting_district.id == r.requesting_district.id {
                    Ok(Created::Replay(Box::new(existing)))
                } else {
                    Err(Error::IdempotencyKeyReused)
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn record_request(&self, id: &RecordRequestId) -> Result<Option<RecordRequest>, Error> {
        self.get(keys::record_request(id)).await?.map(from_item).transpose()
    }

    /// The request's events, newest first (a request has a handful).
    pub async fn record_request_events(&self, id: &RecordRequestId) -> Result<Vec<RequestEvent>, Error> {
        let pk = keys::record_request_pk(id);
        let items = self.query_all(|| self.prefix_query(&pk, keys::EVENT_PREFIX).scan_index_forward(false)).await?;
        items.into_iter().map(from_item).collect()
    }

    /// A page of the district's requests, newest first.
    pub async fn list_record_requests(
        &self,
        district: &DistrictId,
        direction: RequestDirection,
        filter: RequestFilter,
        limit: usize,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> Result<Page<RecordRequest>, Error> {
        let (index, pk, name) = match direction {
            RequestDirection::Outgoing => (GSI1, keys::requests_out_pk(district), "outgoing"),
            RequestDirection::Incoming => (GSI2, keys::requests_in_pk(district), "incoming"),
        };
        let status = if filter.overdue { Some(RequestStatus::Open) } else { filter.status };
        let scope = Scope::new("record-requests")
            .with(district)
            .with(name)
            .with(status.map(RequestStatus::as_str).unwrap_or(""))
            .with(if filter.overdue { "overdue" } else { "" });
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let key_attrs = [PK, SK, &format!("{index}pk"), &format!("{index}sk")];
        let (items, last) = self
            .query_page(
                || {
                    let mut q = self.index_query(index, &pk).scan_index_forward(false);
                    let mut conditions = Vec::new();
                    if let Some(st) = status {
                        conditions.push("#status = :status");
                        q = q
                            .expression_attribute_names("#status", "status")
                            .expression_attribute_values(":status", s(st.as_str()));
                    }
                    if filter.overdue {
                        conditions.push("dueAt < :now");
                        q = q.expression_attribute_values(":now", s(now.to_rfc3339()));
                    }
                    if conditions.is_empty() {
                        q
                    } else {
                        q.filter_expression(conditions.join(" AND "))
                    }
                },
                limit,
                start,
                &key_attrs,
            )
            .await?;
        self.page(&scope, items, last)
    }

    /// Decides an open request (`decided` is the request as the decision leaves it) with its event.
    /// Someone who decided first wins: the loser is told the request's status now.
    pub async fn decide_record_request(
        &self,
        decided: &RecordRequest,
        event: &RequestEvent,
        message: &RequestMessage,
    ) -> Result<(), Error> {
        let mut values = std::collections::HashMap::from([
            (":open".to_owned(), s(RequestStatus::Open.as_str())),
            (":status".to_owned(), s(decided.status.as_str())),
            (":at".to_owned(), super::to_value(&decided.decided_at)?),
            (":by".to_owned(), super::to_value(&decided.decided_by)?),
            (":reason".to_owned(), super::to_value(&decided.reason)?),
            (":detail".to_owned(), super::to_value(&decided.detail)?),
        ]);
        values.insert(":transfers".into(), super::to_value(&decided.transfer_ids)?);
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(keys::record_request(&decided.id)))
            .condition_expression("#status = :open")
            .update_expression(
                "SET #status = :status, decidedAt = :at, decidedBy = :by, reason = :reason, detail = :detail, \
                 transferIds = :transfers REMOVE gsi3pk, gsi3sk, nextReminder",
            )
            .expression_attribute_names("#status", "status")
            .set_expression_attribute_values(Some(values))
            .build()?;
        let items = vec![
            TransactWriteItem::builder().update(update).build(),
            self.put(event_item(&decided.id, event)?, None)?,
            self.put(message_item(message)?, None)?,
        ];
        match self.db.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(()),
            Err(e) if cancelled_at(&e, 0) => {
                let now = self.record_request(&decided.id).await?.map(|r| r.status).unwrap_or(RequestStatus::Withdrawn);
                Err(Error::RequestNotOpen(now))
            }
            Err(e) => Err(e.into()),
        }
    }

    pub(super) fn put(&self, item: Item, condition: Option<&str>) -> Result<TransactWriteItem, Error> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(Into::into))
            .build()?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

/// Whether a transaction was cancelled because the condition of its `i`-th action failed.
pub(super) fn cancelled_at<R>(
    e: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        R,
    >,
    i: usize,
) -> bool {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    match e.as_service_error() {
        Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
            c.cancellation_reasons().get(i).is_some_and(|r| r.code() == Some("ConditionalCheckFailed"))
        }
        _ => false,
    }
}
