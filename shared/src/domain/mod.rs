//! The domain: the model and the rules of the portal, in plain Rust with no AWS types.

pub mod assignment;
pub mod case;
mod case_detail;
mod case_numbers;
pub mod code;
pub mod deadline;
pub mod decision;
pub mod disclosure;
pub mod district_audit;
pub mod district_settings;
pub mod email;
pub mod ids;
pub mod import;
mod import_fields;
mod import_strict;
pub mod lifecycle;
pub mod matching;
pub mod model;
pub mod notification;
pub mod parent_notice;
pub mod record_request;
pub mod request_notice;
pub mod search;
pub mod transfer;
pub mod user_admin;

#[cfg(test)]
mod import_tests;
#[cfg(test)]
mod parent_notice_tests;
#[cfg(test)]
mod transfer_tests;

pub use assignment::{Assignment, StaffField, Staffing};
pub use case::*;
pub use case_detail::CaseDetail;
pub use code::{AuthCode, CodeHash, SecretKey};
pub use decision::{CaseLink, CaseOutcome, Choice, Decision};
pub use ids::*;
pub use lifecycle::*;
pub use model::*;
pub use transfer::*;
