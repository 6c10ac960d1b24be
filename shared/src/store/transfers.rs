//! Transfer requests: creation with snapshots, reads, lists, and every state change as one
//! conditional transaction.

use super::cases::case_item;
use super::keys::{self, GSI1, GSI2, GSI3, PK, SK};
use super::tx::{ActingUser, TxFailure};
use super::{from_item, n, s, to_item, to_value, Item, Page, Store};
use crate::domain::notification::OutboxMessage;
use crate::domain::{
    event_suffix, AuditEvent, Case, CaseId, CaseSnapshot, CodeHash, CreatedCase, Disclosure, DistrictId, DistrictRef,
    Side, Timestamp, TransferId, TransferRequest, TransferStatus, TransferredTo, UserRef, MAX_FAILED_ATTEMPTS,
};
use crate::error::Error;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem, Update};
use serde::Serialize;

/// Snapshot chunks stay well under DynamoDB's 400 KB item limit, whatever the history's size.
const CHUNK_BYTES: usize = 300_000;

/// The index-time fields of a transfer: where it shows up in lists and in the expiry queue.
fn transfer_item(t: &TransferRequest) -> Result<Item, Error> {
    let mut item = to_item(t)?;
    item.extend(keys::transfer(&t.id));
    let order = format!("{}#{}", t.created_at, t.id);
    item.insert("gsi1pk".into(), s(keys::outgoing_pk(&t.source.id)));
    item.insert("gsi1sk".into(), s(&order));
    item.insert("gsi2pk".into(), s(keys::incoming_pk(&t.destination.id)));
    item.insert("gsi2sk".into(), s(order));
    if t.status == TransferStatus::Pending {
        item.insert("gsi3pk".into(), s(keys::PENDING_TRANSFERS));
        item.insert("gsi3sk".into(), s(format!("{}#{}", t.expires_at, t.id)));
    }
    Ok(item)
}

pub(crate) fn put(item: Item, condition: Option<&str>) -> Result<TransactWriteItem, Error> {
    let put = Put::builder().set_item(Some(item));
    let put = match condition {
        Some(c) => put.condition_expression(c),
        None => put,
    };
    Ok(TransactWriteItem::builder().put(put.table_name(TABLE_PLACEHOLDER).build()?).build())
}

/// Actions are built before the table name is known to the builder helpers; `Store::stamp` fills it in.
const TABLE_PLACEHOLDER: &str = "-";

fn event_item(transfer: &TransferId, e: &AuditEvent) -> Result<Item, Error> {
    let mut item = to_item(e)?;
    item.extend(keys::event(transfer, e.at, &event_suffix()));
    Ok(item)
}

pub(crate) fn outbox_item(m: &OutboxMessage) -> Result<Item, Error> {
    let mut item = to_item(m)?;
    item.extend(keys::outbox(&m.id));
    item.insert("gsi3pk".into(), s(keys::OUTBOX_DUE));
    item.insert("gsi3sk".into(), s(format!("{}#{}", m.at, m.id)));
    Ok(item)
}

/// An update of the transfer item that only lands while it is still pending and unexpired.
fn pending_update(t: &TransferRequest, now: Timestamp, set: &str) -> aws_sdk_dynamodb::types::builders::UpdateBuilder {
    Update::builder()
        .table_name(TABLE_PLACEHOLDER)
        .set_key(Some(keys::transfer(&t.id)))
        .update_expression(set)
        .condition_expression("#status = :pending AND expiresAt > :now")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":pending", s("pending"))
        .expression_attribute_values(":now", s(now.to_rfc3339()))
}

/// What sending commits, besides the snapshots.
pub struct NewTransfer<'a> {
    pub transfer: &'a TransferRequest,
    pub snapshots: &'a [CaseSnapshot],
    pub event: &'a AuditEvent,
    pub outbox: &'a OutboxMessage,
    pub idempotency: Option<(&'a str, &'a str)>,
    pub now: Timestamp,
}

/// Why a send did not commit.
#[derive(Debug)]
pub enum SendFailure {
    /// The Idempotency-Key was already used; the stored record tells for which request.
    KeyUsed,
    Refused(Error),
}

impl From<Error> for SendFailure {
    fn from(e: Error) -> Self {
        SendFailure::Refused(e)
    }
}

/// What a stored Idempotency-Key remembers.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyRecord {
    pub request_hash: String,
    pub transfer_id: TransferId,
    pub ttl: i64,
}

/// How long an Idempotency-Key is remembered.
const IDEMPOTENCY_SECONDS: i64 = 24 * 3600;

/// What a code attempt records.
#[derive(Debug, Clone, Copy)]
pub enum Attempt<'a> {
    Wrong,
    /// A right code on a request whose contents were already revealed.
    Right,
    /// The first right code: the contents are revealed now, and each source case records it.
    FirstRight(&'a Disclosure),
}

/// Reject or cancel, as committed.
pub struct Ending<'a> {
    pub status: TransferStatus,
    pub by: &'a UserRef,
    pub reason: Option<&'a str>,
    pub event: &'a AuditEvent,
    pub outbox: &'a OutboxMessage,
    pub now: Timestamp,
}

/// Accept, as the destination commits it.
pub struct Acceptance<'a> {
    pub transfer: &'a TransferRequest,
    pub acting: ActingUser<'a>,
    pub code_version: u32,
    pub by: &'a UserRef,
    pub destination: DistrictRef,
    pub new_cases: &'a [Case],
    pub last_seq: u64,
    /// Recorded on the source cases when no verify revealed the contents first.
    pub disclosure: Option<&'a Disclosure>,
    pub event: &'a AuditEvent,
    pub outbox: &'a OutboxMessage,
    pub now: Timestamp,
}

impl Store {
    fn stamp(&self, mut actions: Vec<TransactWriteItem>) -> Vec<TransactWriteItem> {
        for a in &mut actions {
            if let Some(p) = a.put.as_mut() {
                p.table_name = self.table.clone();
            }
            if let Some(u) = a.update.as_mut() {
                u.table_name = self.table.clone();
            }
            if let Some(c) = a.condition_check.as_mut() {
                c.table_name = self.table.clone();
            }
        }
        actions
    }

    /// Writes the snapshots first (invisible until the transfer item exists), then commits the
    /// transfer, the case holds, the audit event, the outbox message and the Idempotency-Key in one
    /// transaction, guarded by the caller's permission and both districts' settings.
    pub async fn create_transfer(&self, new: NewTransfer<'_>) -> Result<(), SendFailure> {
        let t = new.transfer;
        let chunk_keys = self.stage_snapshots(&t.id, new.snapshots, new.now).await?;

        let manage = s("manage_cases");
        let mut actions = vec![
            put(transfer_item(t)?, Some("attribute_not_exists(pk)"))?,
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name(TABLE_PLACEHOLDER)
                        .set_key(Some(keys::user(&t.source.id, &t.created_by.id)))
                        .condition_expression("contains(#permissions, :manage)")
                        .expression_attribute_names("#permissions", "permissions")
                        .expression_attribute_values(":manage", manage)
                        .build()
                        .map_err(Error::from)?,
                )
                .build(),
            district_on(&t.source.id)?,
            district_on(&t.destination.id)?,
            put(event_item(&t.id, new.event)?, None)?,
            put(outbox_item(new.outbox)?, None)?,
            commit_snapshots(&t.id)?,
        ];
        let key_index = new.idempotency.map(|(key, hash)| {
            let mut item = keys::idempotency(&t.source.id, key);
            item.insert("requestHash".into(), s(hash));
            item.insert("transferId".into(), s(&t.id));
            item.insert(super::table::TTL_ATTRIBUTE.into(), n(new.now.0.timestamp() + IDEMPOTENCY_SECONDS));
            // TTL deletes late (up to days): a key past its time is free again even while it still exists.
            let put = Put::builder()
                .table_name(TABLE_PLACEHOLDER)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(pk) OR #ttl < :now")
                .expression_attribute_names("#ttl", super::table::TTL_ATTRIBUTE)
                .expression_attribute_values(":now", n(new.now.0.timestamp()))
                .build()
                .map_err(Error::from)?;
            actions.push(TransactWriteItem::builder().put(put).build());
            Ok::<usize, SendFailure>(actions.len() - 1)
        });
        let key_index = key_index.transpose()?;
        let first_case = actions.len();
        let hold = to_value(&crate::domain::PendingTransfer { transfer_id: t.id.clone(), until: t.expires_at })?;
        let case_ids: Vec<&CaseId> = t.case_ids().collect();
        for id in t.case_ids() {
            let update = Update::builder()
                .table_name(TABLE_PLACEHOLDER)
                .set_key(Some(keys::case(&t.source.id, id)))
                .update_expression("SET pendingTransfer = :hold")
                .condition_expression(
                    "attribute_exists(pk) AND #status <> :out AND \
                     (attribute_not_exists(pendingTransfer) OR pendingTransfer.#until <= :now)",
                )
                .expression_attribute_names("#status", "status")
                .expression_attribute_names("#until", "until")
                .expression_attribute_values(":hold", hold.clone())
                .expression_attribute_values(":out", s("transferred_out"))
                .expression_attribute_values(":now", s(new.now.to_rfc3339()))
                .build()
                .map_err(Error::from)?;
            actions.push(TransactWriteItem::builder().update(update).build());
        }
        let outcome = self.transact(self.stamp(actions)).await;
        if matches!(outcome, Err(TxFailure::Conditions(_) | TxFailure::Conflict)) {
            // Certainly not committed: the chunks belong to nothing. (After any other error the
            // transaction may have committed, so they stay; the sweeper removes them once it is
            // sure they did not, `discard_uncommitted_snapshots`.)
            if let Err(e) = self.batch_delete(chunk_keys).await {
                tracing::warn!(error = %e, "snapshot chunks of a refused send were not removed");
            }
        }
        match outcome {
            Ok(()) => Ok(()),
            Err(TxFailure::Conditions(failed)) => {
                if key_index.is_some_and(|k| failed.contains(&k)) {
                    return Err(SendFailure::KeyUsed);
                }
                let cases: Vec<CaseId> = failed
                    .iter()
                    .filter_map(|&i| i.checked_sub(first_case).and_then(|i| case_ids.get(i)).map(|c| (*c).clone()))
                    .collect();
                Err(SendFailure::Refused(if failed.contains(&1) {
                    Error::Forbidden
                } else if failed.contains(&2) {
                    Error::TransfersDisabled
                } else if failed.contains(&3) {
                    Error::DestinationUnavailable
                } else if !cases.is_empty() {
                    Error::CaseNotTransferable(cases)
                } else {
                    Error::unavailable(format!("send refused at {failed:?}"))
                }))
            }
            Err(other) => Err(SendFailure::Refused(other.into())),
        }
    }

    /// Writes a send's snapshot before its transaction: first the manifest, queued for clean-up,
    /// then the chunks. Nothing reaches them until the transaction commits, which also takes the
    /// manifest off the queue. Returns the keys of all it wrote, to remove again after a refusal.
    async fn stage_snapshots(
        &self,
        transfer: &TransferId,
        snapshots: &[CaseSnapshot],
        now: Timestamp,
    ) -> Result<Vec<Item>, Error> {
        let chunks = snapshot_items(transfer, snapshots)?;
        let mut written: Vec<Item> = chunks.iter().map(project_key).collect();
        written.push(keys::snapshot_manifest(transfer));
        let mut manifest = keys::snapshot_manifest(transfer);
        manifest.insert("transferId".into(), s(transfer));
        manifest.insert("stagedAt".into(), s(now.to_rfc3339()));
        manifest.insert("gsi3pk".into(), s(keys::UNCOMMITTED_SNAPSHOTS));
        manifest.insert("gsi3sk".into(), s(format!("{now}#{transfer}")));
        self.db.put_item().table_name(&self.table).set_item(Some(manifest)).send().await?;
        self.batch_put(chunks).await?;
        Ok(written)
    }

    /// Sends whose snapshot was staged before `before` and whose transaction never took it off the
    /// queue: a crash or an outage between the two steps (for the sweeper).
    pub async fn uncommitted_snapshots(&self, before: Timestamp, limit: i32) -> Result<Vec<TransferId>, Error> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Manifest {
            transfer_id: TransferId,
        }
        let found: Vec<Manifest> =
            self.index_items(GSI3, keys::UNCOMMITTED_SNAPSHOTS, Some(before.to_rfc3339()), false, Some(limit)).await?;
        Ok(found.into_iter().map(|m| m.transfer_id).collect())
    }

    /// Removes the chunks and the manifest of a send that never committed. Its transfer item does not
    /// exist (the transaction that would create it also dequeues the manifest), so nothing refers to them.
    pub async fn discard_uncommitted_snapshot(&self, transfer: &TransferId) -> Result<(), Error> {
        if self.transfer(transfer).await?.is_some() {
            return Ok(());
        }
        let pk = keys::transfer_pk(transfer);
        let chunks =
            self.query_all(|| self.prefix_query(&pk, keys::SNAPSHOT_PREFIX).projection_expression("pk, sk")).await?;
        self.batch_delete(chunks.iter().map(project_key).collect()).await?;
        self.db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::snapshot_manifest(transfer)))
            .condition_expression("attribute_not_exists(committed)")
            .send()
            .await
            .map(|_| ())
            .or_else(|e| if super::notifications::is_condition_failure(&e) { Ok(()) } else { Err(e.into()) })
    }

    /// The request an Idempotency-Key was used for, if it was used within the last day.
    pub async fn idempotency_record(
        &self,
        district: &DistrictId,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<IdempotencyRecord>, Error> {
        let record: Option<IdempotencyRecord> =
            self.get(keys::idempotency(district, key)).await?.map(from_item).transpose()?;
        Ok(record.filter(|r| r.ttl >= now.0.timestamp()))
    }

    /// A transfer request read on its own, strongly consistent: after a lost race, the operation
    /// decides again on what the winner wrote. Only for a request the caller already saw as a party.
    pub async fn transfer(&self, id: &TransferId) -> Result<Option<TransferRequest>, Error> {
        let out = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys::transfer(id)))
            .consistent_read(true)
            .send()
            .await?;
        out.item.map(from_item).transpose()
    }

    /// Incoming or outgoing requests of a district, newest first, optionally of one status as users
    /// see it (a pending request past its expiry counts as expired).
    pub async fn list_transfers(
        &self,
        district: &DistrictId,
        side: Side,
        status: Option<TransferStatus>,
        limit: usize,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> Result<Page<TransferRequest>, Error> {
        let (index, pk, attr_pk, attr_sk) = match side {
            Side::Source => (GSI1, keys::outgoing_pk(district), "gsi1pk", "gsi1sk"),
            Side::Destination => (GSI2, keys::incoming_pk(district), "gsi2pk", "gsi2sk"),
        };
        let scope = format!("transfers:{pk}:{}", status.map(|s| s.as_str()).unwrap_or(""));
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let (items, last) = self
            .query_page(
                || {
                    let q = self
                        .db
                        .query()
                        .table_name(&self.table)
                        .index_name(index)
                        .key_condition_expression(format!("{attr_pk} = :pk"))
                        .expression_attribute_values(":pk", s(&pk))
                        .scan_index_forward(false);
                    match status {
                        None => q,
                        Some(st) => {
                            let q = q.expression_attribute_names("#status", "status");
                            let now = s(now.to_rfc3339());
                            match st {
                                TransferStatus::Pending => q
                                    .filter_expression("#status = :pending AND expiresAt > :now")
                                    .expression_attribute_values(":pending", s("pending"))
                                    .expression_attribute_values(":now", now),
                                TransferStatus::Expired => q
                                    .filter_expression(
                                        "#status = :expired OR (#status = :pending AND expiresAt <= :now)",
                                    )
                                    .expression_attribute_values(":pending", s("pending"))
                                    .expression_attribute_values(":expired", s("expired"))
                                    .expression_attribute_values(":now", now),
                                other => q
                                    .filter_expression("#status = :st")
                                    .expression_attribute_values(":st", s(other.as_str())),
                            }
                        }
                    }
                },
                limit,
                start,
                &[PK, SK, attr_pk, attr_sk],
            )
            .await?;
        self.page(&scope, items, last)
    }

    pub async fn events(&self, transfer: &TransferId) -> Result<Vec<AuditEvent>, Error> {
        self.all_under(&keys::transfer_pk(transfer), keys::EVENT_PREFIX).await
    }

    /// The frozen cases of a transfer, in the order they were sent: one Query over its snapshot chunks.
    pub async fn snapshots(&self, t: &TransferRequest) -> Result<Vec<CaseSnapshot>, Error> {
        let pk = keys::transfer_pk(&t.id);
        let items = self.query_all(|| self.prefix_query(&pk, keys::SNAPSHOT_PREFIX)).await?;
        let mut by_case: std::collections::HashMap<CaseId, Vec<crate::domain::Entry>> = Default::default();
        for item in items {
            let chunk: ChunkRead = from_item(item)?;
            by_case.entry(chunk.source_case_id).or_default().extend(chunk.entries);
        }
        Ok(t.cases
            .iter()
            .map(|h| CaseSnapshot {
                source_case_id: h.source_case_id.clone(),
                header: h.header.clone(),
                entries: by_case.remove(&h.source_case_id).unwrap_or_default(),
            })
            .collect())
    }

    /// A code attempt: a wrong one counts (and may lock), a right one reveals the snapshots to the
    /// destination. Guarded so that it counts against the code and attempt count it was checked on.
    /// The first right code also records the disclosure on every source case (`disclosure`), once:
    /// the request must still be unrevealed for that write to land.
    pub async fn record_attempt(
        &self,
        t: &TransferRequest,
        by: ActingUser<'_>,
        attempt: Attempt<'_>,
        event: &AuditEvent,
        outbox: Option<&OutboxMessage>,
        now: Timestamp,
    ) -> Result<(), TxFailure> {
        let other = TxFailure::Other;
        let correct = !matches!(attempt, Attempt::Wrong);
        let set = if correct { "SET revealed = :true" } else { "SET failedAttempts = :next" };
        let mut condition =
            String::from("#status = :pending AND expiresAt > :now AND codeVersion = :cv AND failedAttempts = :seen");
        if matches!(attempt, Attempt::FirstRight(_)) {
            condition.push_str(" AND revealed = :false");
        }
        let mut update = pending_update(t, now, set)
            .condition_expression(condition)
            .expression_attribute_values(":cv", n(t.code_version))
            .expression_attribute_values(":seen", n(t.failed_attempts));
        update = match attempt {
            Attempt::Wrong => update.expression_attribute_values(":next", n(t.failed_attempts + 1)),
            Attempt::Right => update.expression_attribute_values(":true", AttributeValue::Bool(true)),
            Attempt::FirstRight(_) => update
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .expression_attribute_values(":false", AttributeValue::Bool(false)),
        };
        let mut actions = vec![
            TransactWriteItem::builder().update(update.build().map_err(|e| other(e.into()))?).build(),
            put(event_item(&t.id, event).map_err(other)?, None).map_err(other)?,
        ];
        if let Some(m) = outbox {
            actions.push(put(outbox_item(m).map_err(other)?, None).map_err(other)?);
        }
        if let Attempt::FirstRight(disclosure) = attempt {
            for id in t.case_ids() {
                actions.push(source_case_update(&t.source.id, id, &t.id, Some(disclosure), None).map_err(other)?);
            }
        }
        self.transact_as(by, self.stamp(actions)).await
    }

    /// A new code: the old one stops working, the attempt count resets and a lock is lifted.
    pub async fn regenerate_code(
        &self,
        t: &TransferRequest,
        by: ActingUser<'_>,
        code: &CodeHash,
        event: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), TxFailure> {
        let other = TxFailure::Other;
        let update = pending_update(t, now, "SET code = :code, failedAttempts = :zero, codeVersion = :cv")
            .condition_expression("#status = :pending AND expiresAt > :now AND codeVersion = :seen")
            .expression_attribute_values(":code", to_value(code).map_err(other)?)
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":cv", n(t.code_version + 1))
            .expression_attribute_values(":seen", n(t.code_version))
            .build()
            .map_err(|e| TxFailure::Other(e.into()))?;
        let actions = vec![
            TransactWriteItem::builder().update(update).build(),
            put(event_item(&t.id, event).map_err(other)?, None).map_err(other)?,
        ];
        self.transact_as(by, self.stamp(actions)).await
    }

    /// Reject or cancel: the request ends, its cases are free again.
    pub async fn end_transfer(
        &self,
        t: &TransferRequest,
        acting: ActingUser<'_>,
        end: Ending<'_>,
    ) -> Result<(), TxFailure> {
        let Ending { status, by, reason, event, outbox, now } = end;
        let other = TxFailure::Other;
        let set = match reason {
            Some(_) => "SET #status = :new, decidedAt = :now, decidedBy = :by, reason = :reason REMOVE gsi3pk, gsi3sk",
            None => "SET #status = :new, decidedAt = :now, decidedBy = :by REMOVE gsi3pk, gsi3sk, reason",
        };
        let mut update = pending_update(t, now, set)
            .expression_attribute_values(":new", s(status.as_str()))
            .expression_attribute_values(":by", to_value(by).map_err(other)?);
        if let Some(r) = reason {
            update = update.expression_attribute_values(":reason", s(r));
        }
        let mut actions =
            vec![TransactWriteItem::builder().update(update.build().map_err(|e| other(e.into()))?).build()];
        for id in t.case_ids() {
            actions.push(release_case(&t.source.id, id, &t.id).map_err(other)?);
        }
        actions.push(put(event_item(&t.id, event).map_err(other)?, None).map_err(other)?);
        actions.push(put(outbox_item(outbox).map_err(other)?, None).map_err(other)?);
        self.transact_as(acting, self.stamp(actions)).await
    }

    /// Accept: one transaction that decides the request, takes case numbers from the destination's
    /// sequence, creates the new cases, marks each source case transferred out with its disclosure,
    /// and records the event and the outbox message. 25 cases make 55 actions, under the limit of 100.
    pub async fn accept(&self, a: Acceptance<'_>) -> Result<(), TxFailure> {
        let other = TxFailure::Other;
        let t = a.transfer;
        let created: Vec<CreatedCase> = t
            .cases
            .iter()
            .zip(a.new_cases)
            .map(|(h, c)| CreatedCase {
                source_case_id: h.source_case_id.clone(),
                case_id: c.id.clone(),
                case_number: c.header.case_number.clone(),
            })
            .collect();
        let mut update = pending_update(
            t,
            a.now,
            "SET #status = :accepted, decidedAt = :now, decidedBy = :by, revealed = :true, createdCases = :created \
             REMOVE gsi3pk, gsi3sk",
        )
        .condition_expression(if t.revealed {
            "#status = :pending AND expiresAt > :now AND codeVersion = :cv AND failedAttempts < :max"
        } else {
            // The disclosure is recorded below: only if no verify recorded it in the meantime.
            "#status = :pending AND expiresAt > :now AND codeVersion = :cv AND failedAttempts < :max AND revealed = :false"
        })
        .expression_attribute_values(":accepted", s("accepted"))
        .expression_attribute_values(":by", to_value(a.by).map_err(other)?)
        .expression_attribute_values(":true", AttributeValue::Bool(true))
        .expression_attribute_values(":created", to_value(&created).map_err(other)?)
        .expression_attribute_values(":cv", n(a.code_version))
        .expression_attribute_values(":max", n(MAX_FAILED_ATTEMPTS));
        if !t.revealed {
            update = update.expression_attribute_values(":false", AttributeValue::Bool(false));
        }
        let update = update.build().map_err(|e| other(e.into()))?;
        let last_seq = a.last_seq + a.new_cases.len() as u64;
        let seq_condition = if a.last_seq == 0 {
            "transfersEnabled = :true AND (attribute_not_exists(caseSeq) OR caseSeq = :seen)"
        } else {
            "transfersEnabled = :true AND caseSeq = :seen"
        };
        let seq = Update::builder()
            .table_name(TABLE_PLACEHOLDER)
            .set_key(Some(keys::district(&a.destination.id)))
            .update_expression("SET caseSeq = :next")
            .condition_expression(seq_condition)
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":seen", n(a.last_seq))
            .expression_attribute_values(":next", n(last_seq))
            .build()
            .map_err(|e| other(e.into()))?;
        let mut actions = vec![
            TransactWriteItem::builder().update(update).build(),
            TransactWriteItem::builder().update(seq).build(),
            put(event_item(&t.id, a.event).map_err(other)?, None).map_err(other)?,
            put(outbox_item(a.outbox).map_err(other)?, None).map_err(other)?,
        ];
        for (c, made) in a.new_cases.iter().zip(&created) {
            actions.push(put(case_item(c).map_err(other)?, Some("attribute_not_exists(pk)")).map_err(other)?);
            let to = TransferredTo {
                district: a.destination.clone(),
                transfer_id: t.id.clone(),
                case_id: made.case_id.clone(),
                case_number: made.case_number.clone(),
                at: a.now,
            };
            let source = source_case_update(&t.source.id, &made.source_case_id, &t.id, a.disclosure, Some(&to))
                .map_err(other)?;
            actions.push(source);
        }
        self.transact_as(a.acting, self.stamp(actions)).await
    }

    /// Pending requests whose expiry has passed, oldest first (for the sweeper): one Query on gsi3.
    pub async fn expired_pending(&self, now: Timestamp, limit: i32) -> Result<Vec<TransferRequest>, Error> {
        // Expired means `expiresAt <= now`; `~` sorts after the `#id` that follows the time.
        self.index_items(GSI3, keys::PENDING_TRANSFERS, Some(format!("{now}~")), false, Some(limit)).await
    }

    /// Marks an expired request `expired` (the sweeper). Its cases are already free by their own
    /// expiry time; their holds are cleared after, one conditional update each.
    pub async fn expire(
        &self,
        t: &TransferRequest,
        event: &AuditEvent,
        outbox: &OutboxMessage,
        now: Timestamp,
    ) -> Result<(), TxFailure> {
        let other = TxFailure::Other;
        let update = Update::builder()
            .table_name(TABLE_PLACEHOLDER)
            .set_key(Some(keys::transfer(&t.id)))
            .update_expression("SET #status = :expired, decidedAt = :now REMOVE gsi3pk, gsi3sk")
            .condition_expression("#status = :pending AND expiresAt <= :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":expired", s("expired"))
            .expression_attribute_values(":now", s(now.to_rfc3339()))
            .build()
            .map_err(|e| other(e.into()))?;
        let actions = vec![
            TransactWriteItem::builder().update(update).build(),
            put(event_item(&t.id, event).map_err(other)?, None).map_err(other)?,
            put(outbox_item(outbox).map_err(other)?, None).map_err(other)?,
        ];
        self.transact(self.stamp(actions)).await?;
        for id in t.case_ids() {
            let release = self
                .db
                .update_item()
                .table_name(&self.table)
                .set_key(Some(keys::case(&t.source.id, id)))
                .update_expression("REMOVE pendingTransfer")
                .condition_expression("pendingTransfer.transferId = :t")
                .expression_attribute_values(":t", s(&t.id))
                .send()
                .await;
            if let Err(e) = release {
                // Already sent again in a newer transfer: that hold is not ours to clear.
                tracing::debug!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(e), "case hold not cleared");
            }
        }
        Ok(())
    }
}

/// A source case learns what happened to it: a disclosure appended to its record, and on accept its
/// transfer out (status, where it went, its hold released, under the condition that the hold is this
/// request's).
fn source_case_update(
    district: &DistrictId,
    case: &CaseId,
    transfer: &TransferId,
    disclosure: Option<&Disclosure>,
    out: Option<&TransferredTo>,
) -> Result<TransactWriteItem, Error> {
    let mut sets = Vec::new();
    let mut update = Update::builder().table_name(TABLE_PLACEHOLDER).set_key(Some(keys::case(district, case)));
    if let Some(d) = disclosure {
        sets.push("disclosures = list_append(if_not_exists(disclosures, :none), :disclosure)");
        update = update
            .expression_attribute_values(":none", AttributeValue::L(vec![]))
            .expression_attribute_values(":disclosure", AttributeValue::L(vec![to_value(d)?]));
    }
    let mut expression = String::new();
    if let Some(to) = out {
        sets.push("#status = :out");
        sets.push("transferredTo = :to");
        update = update
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":out", s(crate::domain::CaseStatus::TransferredOut.as_str()))
            .expression_attribute_values(":to", to_value(to)?)
            .expression_attribute_values(":t", s(transfer.as_str()))
            .condition_expression("pendingTransfer.transferId = :t");
        expression = format!("SET {} REMOVE pendingTransfer", sets.join(", "));
    } else if !sets.is_empty() {
        update = update.condition_expression("attribute_exists(pk)");
        expression = format!("SET {}", sets.join(", "));
    }
    Ok(TransactWriteItem::builder().update(update.update_expression(expression).build()?).build())
}

fn project_key(item: &Item) -> Item {
    [PK, SK].iter().filter_map(|k| item.get(*k).map(|v| (k.to_string(), v.clone()))).collect()
}

/// Takes a send's snapshot off the clean-up queue, in the send's own transaction.
fn commit_snapshots(transfer: &TransferId) -> Result<TransactWriteItem, Error> {
    Ok(TransactWriteItem::builder()
        .update(
            Update::builder()
                .table_name(TABLE_PLACEHOLDER)
                .set_key(Some(keys::snapshot_manifest(transfer)))
                .update_expression("SET committed = :true REMOVE gsi3pk, gsi3sk")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .build()?,
        )
        .build())
}

fn district_on(district: &DistrictId) -> Result<TransactWriteItem, Error> {
    Ok(TransactWriteItem::builder()
        .condition_check(
            ConditionCheck::builder()
                .table_name(TABLE_PLACEHOLDER)
                .set_key(Some(keys::district(district)))
                .condition_expression("transfersEnabled = :true")
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .build()?,
        )
        .build())
}

fn release_case(district: &DistrictId, case: &CaseId, transfer: &TransferId) -> Result<TransactWriteItem, Error> {
    Ok(TransactWriteItem::builder()
        .update(
            Update::builder()
                .table_name(TABLE_PLACEHOLDER)
                .set_key(Some(keys::case(district, case)))
                .update_expression("REMOVE pendingTransfer")
                .condition_expression("pendingTransfer.transferId = :t")
                .expression_attribute_values(":t", s(transfer.as_str()))
                .build()?,
        )
        .build())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChunkItem<'a> {
    source_case_id: &'a CaseId,
    chunk: usize,
    entries: &'a [crate::domain::Entry],
}

/// Splits each snapshot's history into items of at most `CHUNK_BYTES` (measured as JSON, which is
/// larger than DynamoDB's own size accounting), so no item nears the 400 KB limit.
/// A chunk as read back.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChunkRead {
    source_case_id: CaseId,
    entries: Vec<crate::domain::Entry>,
}

fn snapshot_items(transfer: &TransferId, snapshots: &[CaseSnapshot]) -> Result<Vec<Item>, Error> {
    let mut items = Vec::new();
    for snap in snapshots {
        let mut start = 0;
        let mut chunk = 0;
        let mut size = 0;
        let mut push = |from: usize, to: usize, chunk: usize| -> Result<(), Error> {
            let mut item =
                to_item(&ChunkItem { source_case_id: &snap.source_case_id, chunk, entries: &snap.entries[from..to] })?;
            item.extend(keys::snapshot_chunk(transfer, &snap.source_case_id, chunk));
            items.push(item);
            Ok(())
        };
        for (i, e) in snap.entries.iter().enumerate() {
            let len = serde_json::to_vec(e).map(|v| v.len()).unwrap_or(CHUNK_BYTES);
            if size + len > CHUNK_BYTES && i > start {
                push(start, i, chunk)?;
                chunk += 1;
                start = i;
                size = 0;
            }
            size += len;
        }
        push(start, snap.entries.len(), chunk)?;
    }
    Ok(items)
}
