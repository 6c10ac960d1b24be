//! Reading transfer requests: one by id, a district's incoming or outgoing list, a request's events.

use crate::domain::{AuditEvent, DistrictId, Side, Timestamp, TransferId, TransferRequest, TransferStatus};
use crate::error::Error;
use crate::store::cursor::Scope;
use crate::store::keys::{self, GSI1, GSI2, PK, SK};
use crate::store::{from_item, s, Page, Store};

/// What a list of requests is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct TransferFilter {
    pub status: Option<TransferStatus>,
    /// The other party: the destination of outgoing requests, the source of incoming ones.
    pub other: Option<DistrictId>,
}

impl Store {
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
    /// see it (a pending request past its expiry counts as expired) and with one other district.
    pub async fn list_transfers(
        &self,
        district: &DistrictId,
        side: Side,
        filter: &TransferFilter,
        limit: usize,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> Result<Page<TransferRequest>, Error> {
        let (index, pk, attr_pk, attr_sk, other_side) = match side {
            Side::Source => (GSI1, keys::outgoing_pk(district), "gsi1pk", "gsi1sk", "destination"),
            Side::Destination => (GSI2, keys::incoming_pk(district), "gsi2pk", "gsi2sk", "source"),
        };
        let scope = Scope::new("transfers")
            .with(&pk)
            .with(filter.status.map(|s| s.as_str()).unwrap_or(""))
            .with(filter.other.as_ref().map(|d| d.as_str()).unwrap_or(""));
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let (items, last) = self
            .query_page(
                || {
                    let mut q = self
                        .db
                        .query()
                        .table_name(&self.table)
                        .index_name(index)
                        .key_condition_expression(format!("{attr_pk} = :pk"))
                        .expression_attribute_values(":pk", s(&pk))
                        .scan_index_forward(false);
                    let mut tests = Vec::new();
                    if let Some(st) = filter.status {
                        q = q.expression_attribute_names("#status", "status");
                        let now = s(now.to_rfc3339());
                        let pending = s(TransferStatus::Pending.as_str());
                        match st {
                            TransferStatus::Pending => {
                                tests.push("(#status = :pending AND expiresAt > :now)");
                                q = q
                                    .expression_attribute_values(":pending", pending)
                                    .expression_attribute_values(":now", now);
                            }
                            TransferStatus::Expired => {
                                tests.push("(#status = :expired OR (#status = :pending AND expiresAt <= :now))");
                                q = q
                                    .expression_attribute_values(":pending", pending)
                                    .expression_attribute_values(":expired", s(TransferStatus::Expired.as_str()))
                                    .expression_attribute_values(":now", now);
                            }
                            other => {
                                tests.push("#status = :st");
                                q = q.expression_attribute_values(":st", s(other.as_str()));
                            }
                        }
                    }
                    if let Some(other) = &filter.other {
                        tests.push("#other.#id = :other");
                        q = q
                            .expression_attribute_names("#other", other_side)
                            .expression_attribute_names("#id", "id")
                            .expression_attribute_values(":other", s(other.as_str()));
                    }
                    if tests.is_empty() {
                        q
                    } else {
                        q.filter_expression(tests.join(" AND "))
                    }
                },
                limit,
                start,
                &[PK, SK, attr_pk, attr_sk],
            )
            .await?;
        self.page(&scope, items, last)
    }

    /// A page of a request's events, newest first.
    pub async fn events(
        &self,
        transfer: &TransferId,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<AuditEvent>, Error> {
        let scope = Scope::new("events").with(transfer);
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let pk = keys::transfer_pk(transfer);
        let (items, last) = self
            .query_page(
                || self.prefix_query(&pk, keys::EVENT_PREFIX).scan_index_forward(false),
                limit,
                start,
                &[PK, SK],
            )
            .await?;
        self.page(&scope, items, last)
    }
}
