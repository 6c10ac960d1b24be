//! Parent-notice tasks: one item per task under its district (`NOTICE#{id}`), on gsi2 under
//! `NOTICES#{district}#{status}` (open ones by creation, oldest first; closed ones by when they were
//! closed, newest first). Created by the deliverer from the outbox, with ids derived from what they
//! are about, so a message told twice makes each task once; closed in one transaction with the
//! district's audit event, only while open.

use super::cursor::Scope;
use super::keys::{self, GSI2, PK, SK};
use super::page::Page;
use super::tx::{ActingUser, Action, TxFailure};
use super::{from_item, s, to_item, Item, Store};
use crate::domain::district_audit::DistrictAuditEvent;
use crate::domain::parent_notice::{NoticeStatus, ParentNotice};
use crate::domain::{DistrictId, ParentNoticeId};
use crate::error::Error;
use aws_sdk_dynamodb::types::builders::PutBuilder;
use futures::{stream, StreamExt, TryStreamExt};

fn notice_item(n: &ParentNotice) -> Result<Item, Error> {
    let mut item = to_item(n)?;
    item.extend(keys::parent_notice(&n.district_id, &n.id));
    let since = match n.status {
        NoticeStatus::Open => n.created_at,
        _ => n.done_at.unwrap_or(n.created_at),
    };
    item.insert("gsi2pk".into(), s(keys::parent_notices_pk(&n.district_id, n.status.as_str())));
    item.insert("gsi2sk".into(), s(format!("{since}#{}", n.id)));
    Ok(item)
}

/// An audit event's item: at its time, with a fresh ULID after it (two changes in one millisecond,
/// a double click, are two events).
pub(crate) fn audit_item(e: &DistrictAuditEvent) -> Result<Item, Error> {
    let mut item = to_item(e)?;
    item.extend(keys::district_audit(&e.district_id, e.at, &crate::domain::ids::ulid()));
    Ok(item)
}

impl Store {
    /// Creates the tasks that do not exist yet; how many it created.
    pub async fn create_parent_notices(&self, tasks: &[ParentNotice]) -> Result<usize, Error> {
        let items = tasks.iter().map(notice_item).collect::<Result<Vec<_>, _>>()?;
        let made: Vec<bool> = stream::iter(items)
            .map(|item| async move { self.put_if_missing(item).await })
            .buffer_unordered(16)
            .try_collect()
            .await?;
        Ok(made.into_iter().filter(|m| *m).count())
    }

    pub async fn parent_notice(
        &self,
        district: &DistrictId,
        id: &ParentNoticeId,
    ) -> Result<Option<ParentNotice>, Error> {
        self.get(keys::parent_notice(district, id)).await?.map(from_item).transpose()
    }

    /// A page of the district's tasks of one status: open ones oldest first, closed ones newest first.
    pub async fn parent_notices(
        &self,
        district: &DistrictId,
        status: NoticeStatus,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Page<ParentNotice>, Error> {
        let scope = Scope::new("parent-notices").with(district).with(status.as_str());
        let start = cursor.map(|c| self.cursors.decode(&scope, c)).transpose()?;
        let pk = keys::parent_notices_pk(district, status.as_str());
        let oldest_first = status == NoticeStatus::Open;
        let (items, last) = self
            .query_page(
                || self.index_query(GSI2, &pk).scan_index_forward(oldest_first),
                limit,
                start,
                &[PK, SK, "gsi2pk", "gsi2sk"],
            )
            .await?;
        self.page(&scope, items, last)
    }

    /// Closes an open task (`closed` is the task as closing leaves it) with its audit event. A task
    /// closed meanwhile by someone else is 409 with its status now.
    pub async fn close_parent_notice(
        &self,
        closed: &ParentNotice,
        audit: &DistrictAuditEvent,
        by: ActingUser<'_>,
    ) -> Result<(), Error> {
        let only_open = PutBuilder::default()
            .set_item(Some(notice_item(closed)?))
            .condition_expression("#status = :open")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":open", s(NoticeStatus::Open.as_str()));
        let mut tx = self.tx();
        tx.put_guarded(Action::ParentNotice, only_open)?
            .put(Action::DistrictAudit, audit_item(audit)?, Some("attribute_not_exists(pk)"))?
            .made_by(by)?;
        match self.commit(tx).await {
            Ok(()) => Ok(()),
            Err(TxFailure::Conditions(failed)) if failed.contains(&Action::ParentNotice) => {
                let now = self.parent_notice(&closed.district_id, &closed.id).await?.ok_or(Error::NotFound)?;
                Err(Error::NoticeNotOpen(now.status))
            }
            Err(other) => Err(other.into()),
        }
    }
}
