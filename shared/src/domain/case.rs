//! A district's case, what search shows of it, and what a transfer freezes of it.

use super::ids::*;
use super::model::*;
use super::search;
use serde::{Deserialize, Serialize};

/// The case a district holds. Its history lives beside it (see `store::cases`); a case accepted from
/// another district also inherits the history frozen in that transfer's snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: CaseId,
    pub district_id: DistrictId,
    #[serde(flatten)]
    pub header: CaseHeader,
    /// The transfer this case is pending in, if any, and until when that transfer can be decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_transfer: Option<PendingTransfer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferred_to: Option<TransferredTo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// FERPA: every disclosure of the record to another district is kept on the case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disclosures: Vec<Disclosure>,
    /// How many entries of its own the case has, without reading them (what it inherited is counted
    /// in `inherited_history`, its disclosures in the list above).
    #[serde(default)]
    pub own_entries: u64,
    /// Where the inherited history is read: the parts earlier districts froze (see
    /// `HistorySegment`). Internal: never shown (`CaseDetail` leaves it out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherited_history: Vec<HistorySegment>,
}

/// One district's part of a case's history: that district's own entries of one case, merged by time
/// with the disclosures it had made. A transfer freezes it by reference, never by copy: entries are
/// written once and never rewritten (`store::import`), so "its entries written up to `upto`" stays the
/// same list for ever, however long it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistorySegment {
    pub district_id: DistrictId,
    pub case_id: CaseId,
    /// Entries written after this are not part of it; `None` only for a case's own, live segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upto: Option<Timestamp>,
    /// How many of the case's own entries it holds, disclosures not counted.
    pub entries: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disclosures: Vec<Disclosure>,
}

impl HistorySegment {
    pub fn entry_count(&self) -> u64 {
        self.entries + self.disclosures.len() as u64
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingTransfer {
    pub transfer_id: TransferId,
    pub until: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Disclosure {
    pub at: Timestamp,
    pub to: DistrictRef,
    pub transfer_id: TransferId,
    pub by: UserRef,
}

impl Disclosure {
    /// How the disclosure reads in the case's history.
    pub fn as_entry(&self) -> Entry {
        Entry {
            id: EntryId::disclosure_of(&self.transfer_id),
            at: self.at,
            kind: EntryType::Transfer,
            author: self.by.name.clone(),
            // Words a person reads: the district and the person, never the request's internal id (the
            // entry's own id still ties it to the request).
            text: format!(
                "Case record disclosed to {} through a district transfer request: {} of {} entered the \
                 authentication code (FERPA, 34 CFR 99.32).",
                self.to.name, self.by.name, self.to.name
            ),
        }
    }
}

impl Case {
    /// The transfer this case is still pending in at `now`; an expired one no longer holds it.
    pub fn pending_at(&self, now: Timestamp) -> Option<&TransferId> {
        self.pending_transfer.as_ref().filter(|p| p.until > now).map(|p| &p.transfer_id)
    }

    /// Every entry of the case's history: inherited, own, and one per disclosure.
    pub fn entry_count(&self) -> u64 {
        self.own_entries
            + self.inherited_history.iter().map(HistorySegment::entry_count).sum::<u64>()
            + self.disclosures.len() as u64
    }

    /// The case's whole history as a list of parts, oldest first: what it inherited, then its own
    /// entries and disclosures, `upto` the moment a send freezes it (`None`: live, to read it now).
    pub fn history(&self, upto: Option<Timestamp>) -> Vec<HistorySegment> {
        let mut parts = self.inherited_history.clone();
        parts.push(HistorySegment {
            district_id: self.district_id.clone(),
            case_id: self.id.clone(),
            upto,
            entries: self.own_entries,
            disclosures: self.disclosures.clone(),
        });
        parts
    }

    pub fn is_transferable(&self, now: Timestamp) -> bool {
        self.header.status != CaseStatus::TransferredOut && self.pending_at(now).is_none()
    }

    pub fn summary(&self, now: Timestamp) -> CaseSummary {
        let poc = &self.header.person_of_concern;
        CaseSummary {
            id: self.id.clone(),
            case_number: self.header.case_number.clone(),
            person_of_concern: NameOnly { first_name: poc.first_name.clone(), last_name: poc.last_name.clone() },
            building: self.header.building.clone(),
            team_name: self.header.team_name.clone(),
            team_leader: self.header.team_leader.clone(),
            case_manager: self.header.case_manager.clone(),
            status: self.header.status,
            pending_transfer_id: self.pending_at(now).cloned(),
        }
    }

    /// The words case search matches against: the six fields `product.md` names (`search`).
    pub fn search_words(header: &CaseHeader) -> Vec<String> {
        let poc = &header.person_of_concern;
        search::index_words([
            header.case_number.as_str(),
            &poc.first_name,
            &poc.last_name,
            &header.building,
            &header.team_name,
            &header.team_leader,
            &header.case_manager,
        ])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NameOnly {
    pub first_name: String,
    pub last_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseSummary {
    pub id: CaseId,
    pub case_number: String,
    pub person_of_concern: NameOnly,
    pub building: String,
    pub team_name: String,
    pub team_leader: String,
    pub case_manager: String,
    pub status: CaseStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_transfer_id: Option<TransferId>,
}

/// A case as a transfer froze it, small enough to live on the transfer request itself: its fields,
/// and its history by reference (read a page at a time, never copied).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotHeader {
    pub source_case_id: CaseId,
    #[serde(flatten)]
    pub header: CaseHeader,
    #[serde(default)]
    pub history: Vec<HistorySegment>,
    /// Once the request is accepted: whether the destination took this case or declined it, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<super::decision::CaseOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
}

impl SnapshotHeader {
    /// How many entries the snapshot froze, disclosures included.
    pub fn entry_count(&self) -> u64 {
        self.history.iter().map(HistorySegment::entry_count).sum()
    }

    /// What a send at `now` freezes of `case`.
    pub fn freeze(case: &Case, now: Timestamp) -> SnapshotHeader {
        SnapshotHeader {
            source_case_id: case.id.clone(),
            header: case.header.clone(),
            history: case.history(Some(now)),
            outcome: None,
            decline_reason: None,
        }
    }
}

/// One case a destination created on accept, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedCase {
    pub source_case_id: CaseId,
    pub case_id: CaseId,
    pub case_number: String,
}

impl CreatedCase {
    /// What an accept creates, case by case: each new case says which source case it came from.
    pub fn all(new_cases: &[Case]) -> Vec<CreatedCase> {
        new_cases
            .iter()
            .filter_map(|c| {
                Some(CreatedCase {
                    source_case_id: c.provenance.as_ref()?.source_case_id.clone(),
                    case_id: c.id.clone(),
                    case_number: c.header.case_number.clone(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "case_tests.rs"]
mod tests;
