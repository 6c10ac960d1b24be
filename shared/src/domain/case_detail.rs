//! A case as `GET /v1/cases/{caseId}` shows it: the fields of the contract and nothing else. How the
//! portal keeps a case (its stored hold, where its history lives, its own entry count) stays inside.

use super::case::Case;
use super::ids::{CaseId, DistrictId, TransferId};
use super::model::{CaseHeader, Provenance, Timestamp, TransferredTo};
use serde::Serialize;

/// Its history is paged (`/entries`), only counted here.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseDetail {
    pub id: CaseId,
    pub district_id: DistrictId,
    #[serde(flatten)]
    pub header: CaseHeader,
    /// The transfer the case is pending in now; an expired one no longer holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_transfer_id: Option<TransferId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transferred_to: Option<TransferredTo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    pub entry_count: u64,
}

impl CaseDetail {
    pub fn of(case: Case, now: Timestamp) -> Self {
        CaseDetail {
            pending_transfer_id: case.pending_at(now).cloned(),
            entry_count: case.entry_count(),
            id: case.id,
            district_id: case.district_id,
            header: case.header,
            transferred_to: case.transferred_to,
            provenance: case.provenance,
        }
    }
}
