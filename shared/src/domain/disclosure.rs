//! FERPA's record of disclosures (34 CFR 99.32, api.md v1.2): each first reveal of a case's contents
//! to another district, and each records request a case was sent to fulfil, is a row kept with the
//! source case for as long as the case exists. The rows are made here, from the request as the domain
//! saw it when it decided; the store writes them in the same transaction as the reveal.

use super::ids::*;
use super::model::*;
use super::transfer::TransferRequest;
use serde::{Deserialize, Serialize};

/// The basis of every disclosure the portal makes, in the regulation's words.
pub const LEGITIMATE_INTEREST: &str =
    "34 CFR 99.31(a)(2): to a school where the student seeks or intends to enroll, or is enrolled";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessKind {
    /// The contents were revealed to the other district (the first right code).
    Disclosure,
    /// The other district asked for the record (a records request this case was sent to fulfil).
    Request,
}

impl AccessKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Disclosure => "disclosure",
            AccessKind::Request => "request",
        }
    }
}

/// One row of a case's record of disclosures and requests for access.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessRecord {
    pub at: Timestamp,
    pub kind: AccessKind,
    /// The district that received the record, or asked for it.
    pub party: DistrictRef,
    pub legitimate_interest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_id: Option<TransferId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_request_id: Option<RecordRequestId>,
    /// Who sent the transfer request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_by: Option<UserRef>,
    /// Who entered the right code in the other district (a disclosure only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revealed_to: Option<UserRef>,
    pub case_number: String,
    /// How many entries of the case's history left the district (its snapshot, disclosures included).
    pub entry_count: u64,
}

/// A row of the district's export: the same row, with the case it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisclosureRow {
    pub case_id: CaseId,
    #[serde(flatten)]
    pub record: AccessRecord,
}

impl TransferRequest {
    /// The first right code at `at`, entered by `by`: one disclosure row for each case of the request
    /// (every snapshot became visible at once), or none when its contents were revealed before.
    pub fn disclosure_rows(&self, by: &UserRef, at: Timestamp) -> Vec<DisclosureRow> {
        if self.revealed {
            return Vec::new();
        }
        self.rows(AccessKind::Disclosure, Some(by), at)
    }

    /// A send that fulfils a records request: the request for access, one row for each case sent.
    pub fn request_rows(&self, at: Timestamp) -> Vec<DisclosureRow> {
        if self.record_request_id.is_none() {
            return Vec::new();
        }
        self.rows(AccessKind::Request, None, at)
    }

    fn rows(&self, kind: AccessKind, revealed_to: Option<&UserRef>, at: Timestamp) -> Vec<DisclosureRow> {
        self.cases
            .iter()
            .map(|c| DisclosureRow {
                case_id: c.source_case_id.clone(),
                record: AccessRecord {
                    at,
                    kind,
                    party: self.destination.clone(),
                    legitimate_interest: LEGITIMATE_INTEREST.to_owned(),
                    transfer_id: Some(self.id.clone()),
                    record_request_id: self.record_request_id.clone(),
                    sent_by: Some(self.created_by.clone()),
                    revealed_to: revealed_to.cloned(),
                    case_number: c.header.case_number.clone(),
                    entry_count: c.entry_count(),
                },
            })
            .collect()
    }
}

/// The CSV export's columns, in order.
pub const CSV_HEADER: [&str; 14] = [
    "at",
    "kind",
    "caseId",
    "caseNumber",
    "partyId",
    "partyName",
    "legitimateInterest",
    "transferId",
    "recordRequestId",
    "sentById",
    "sentByName",
    "revealedToId",
    "revealedToName",
    "entryCount",
];

impl DisclosureRow {
    /// The row as CSV fields, each safe to open in a spreadsheet (`spreadsheet_safe`).
    pub fn csv_fields(&self) -> [String; 14] {
        let r = &self.record;
        let id = |u: &Option<UserRef>| u.as_ref().map(|u| u.id.to_string()).unwrap_or_default();
        let name = |u: &Option<UserRef>| u.as_ref().map(|u| u.name.clone()).unwrap_or_default();
        [
            r.at.to_rfc3339(),
            r.kind.as_str().to_owned(),
            self.case_id.to_string(),
            r.case_number.clone(),
            r.party.id.to_string(),
            r.party.name.clone(),
            r.legitimate_interest.clone(),
            r.transfer_id.as_ref().map(ToString::to_string).unwrap_or_default(),
            r.record_request_id.as_ref().map(ToString::to_string).unwrap_or_default(),
            id(&r.sent_by),
            name(&r.sent_by),
            id(&r.revealed_to),
            name(&r.revealed_to),
            r.entry_count.to_string(),
        ]
        .map(|f| spreadsheet_safe(&f))
    }
}

/// The rows as a CSV file: a header row, then a row each (RFC 4180 quoting, UTF-8).
pub fn to_csv(rows: &[DisclosureRow]) -> Result<String, String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_HEADER).map_err(|e| e.to_string())?;
    for row in rows {
        out.write_record(row.csv_fields()).map_err(|e| e.to_string())?;
    }
    let bytes = out.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// A field a spreadsheet will not run as a formula: one that begins with `=`, `+`, `-`, `@`, a tab or
/// a carriage return gets a leading apostrophe (OWASP's advice on CSV injection). Names keep every
/// other character, accents and line breaks included; quoting is the CSV writer's.
pub fn spreadsheet_safe(field: &str) -> String {
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{field}"),
        _ => field.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str) -> DisclosureRow {
        let user = UserRef { id: UserId::from("u-1"), name: name.to_owned() };
        DisclosureRow {
            case_id: CaseId::from("c-1"),
            record: AccessRecord {
                at: Timestamp(chrono::DateTime::UNIX_EPOCH),
                kind: AccessKind::Disclosure,
                party: DistrictRef { id: DistrictId::from("d-1"), name: name.to_owned() },
                legitimate_interest: LEGITIMATE_INTEREST.to_owned(),
                transfer_id: Some(TransferId::from("t-1")),
                record_request_id: None,
                sent_by: Some(user.clone()),
                revealed_to: Some(user),
                case_number: "2026-0001".into(),
                entry_count: 4,
            },
        }
    }

    #[test]
    fn a_csv_reader_reads_back_every_name_whole() {
        let names = ["Zoë O'Brien, \"Jr\"", "two\nlines", "=1+1", "Ærø, \"Åse\"\r\nSkolen", "plain"];
        let text = to_csv(&names.map(row)).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), CSV_HEADER);
        let read: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(read.len(), names.len());
        for (record, name) in read.iter().zip(names) {
            let want = spreadsheet_safe(name);
            assert_eq!((&record[5], &record[10], &record[12]), (want.as_str(), want.as_str(), want.as_str()));
            assert_eq!(&record[13], "4");
        }
        assert_eq!(&read[2][5], "'=1+1");
    }

    #[test]
    fn formula_leading_fields_are_neutralised_and_others_kept() {
        let table = [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Zoë O'Brien, \"Jr\"", "Zoë O'Brien, \"Jr\""),
            ("line\nbreak", "line\nbreak"),
            ("2026-12-05T10:00:00.000Z", "2026-12-05T10:00:00.000Z"),
            ("", ""),
        ];
        for (given, want) in table {
            assert_eq!(spreadsheet_safe(given), want, "{given:?}");
        }
    }
}
