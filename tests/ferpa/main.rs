//! FERPA, kept for the district (issue 20, api.md v1.2): the record of disclosures per case and its
//! export, parent-notice tasks, and the CSV an auditor opens.

mod disclosures;
mod export;
mod notices;
