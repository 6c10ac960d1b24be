//! The one error type of the service. Each variant carries a stable `code` from the HTTP contract;
//! `http::problem` is the one place that turns it into a response.

use crate::domain::{CaseId, Side, StudentId, TransferStatus};
use serde::Serialize;

/// A field that failed validation, reported back to the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the request is not valid")]
    Validation(Vec<FieldError>),
    #[error("authentication is required")]
    Unauthorized,
    #[error("the Manage Cases permission is required")]
    Forbidden,
    /// The other party of the request called an operation that belongs to one side.
    #[error("{}", wrong_side_title(*.0))]
    WrongSide(Side),
    #[error("no such resource")]
    NotFound,
    #[error("case transfers are switched off for your district")]
    TransfersDisabled,
    #[error("the destination district cannot receive transfers")]
    DestinationUnavailable,
    #[error("some cases cannot be transferred")]
    CaseNotTransferable(Vec<CaseId>),
    #[error("the transfer request is no longer pending")]
    TransferNotPending(TransferStatus),
    #[error("the transfer request has expired")]
    TransferExpired,
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    /// The same request with the same key is still being sent: try again in a second.
    #[error("a send with this Idempotency-Key is still in progress")]
    IdempotencyInProgress,
    #[error("the authentication code is not correct")]
    InvalidAuthCode { attempts_remaining: u32 },
    #[error("the authentication code is locked after too many failed attempts")]
    AuthCodeLocked,
    #[error("a linked student does not exist in your district")]
    StudentNotFound(Vec<StudentId>),
    #[error("decisions do not match the cases of the request")]
    DecisionsMismatch(String),
    /// The other district of a records request called what belongs to one side (403).
    #[error("{}", wrong_request_side_title(*.0))]
    WrongRequestSide(crate::domain::record_request::RequestSide),
    #[error("the records request is no longer open")]
    RequestNotOpen(crate::domain::record_request::RequestStatus),
    /// A send meant to fulfil a records request that is not one the caller may fulfil with it.
    #[error("the records request does not match this transfer")]
    RecordRequestMismatch(String),
    /// A parent-notice task already closed (done or not required).
    #[error("the parent notice is no longer open")]
    NoticeNotOpen(crate::domain::parent_notice::NoticeStatus),
    /// `POST /v1/users` with the id of a user the district has.
    #[error("a user with this id exists in your district")]
    UserExists,
    /// The change would leave the district without an active administrator.
    #[error("your district needs at least one active administrator")]
    LastAdmin,
    /// The district's case sequence is used up (`domain::CASE_SEQUENCE_MAX`): no new case number.
    #[error("your district has no case numbers left to give new cases")]
    CaseNumbersExhausted,
    /// The local API only: API Gateway answers these itself in AWS.
    #[error("this method is not allowed on this resource")]
    MethodNotAllowed,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("the request line is too long")]
    RequestLineTooLong,
    #[error("the request's headers are too large or too many")]
    HeadersTooLarge,
    #[error("the request body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    /// DynamoDB or SES throttled or failed; the cause is logged, never shown.
    #[error("the service is temporarily unavailable")]
    Unavailable(String),
}

impl Error {
    /// The stable machine-readable code of `api.md`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Validation(_) => "validation_failed",
            Error::Unauthorized => "unauthorized",
            Error::Forbidden | Error::WrongSide(_) | Error::WrongRequestSide(_) => "forbidden",
            Error::RequestNotOpen(_) => "request_not_open",
            Error::NoticeNotOpen(_) => "notice_not_open",
            Error::UserExists => "user_exists",
            Error::LastAdmin => "last_admin",
            Error::RecordRequestMismatch(_) => "record_request_mismatch",
            Error::NotFound => "not_found",
            Error::TransfersDisabled => "transfers_disabled",
            Error::DestinationUnavailable => "destination_unavailable",
            Error::CaseNotTransferable(_) => "case_not_transferable",
            Error::TransferNotPending(_) => "transfer_not_pending",
            Error::TransferExpired => "transfer_expired",
            Error::IdempotencyKeyReused => "idempotency_key_reused",
            Error::IdempotencyInProgress => "idempotency_in_progress",
            Error::InvalidAuthCode { .. } => "invalid_auth_code",
            Error::AuthCodeLocked => "auth_code_locked",
            Error::StudentNotFound(_) => "student_not_found",
            Error::DecisionsMismatch(_) => "decisions_mismatch",
            Error::CaseNumbersExhausted => "case_numbers_exhausted",
            Error::MethodNotAllowed => "method_not_allowed",
            Error::PayloadTooLarge => "payload_too_large",
            Error::RequestLineTooLong => "uri_too_long",
            Error::HeadersTooLarge => "headers_too_large",
            Error::UnsupportedMediaType => "unsupported_media_type",
            Error::Unavailable(_) => "unavailable",
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError::new(field, message)])
    }

    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        Error::Unavailable(cause.to_string())
    }
}

fn wrong_side_title(allowed: Side) -> &'static str {
    match allowed {
        Side::Source => "only the sending district can do this to a transfer request",
        Side::Destination => "only the receiving district can do this to a transfer request",
    }
}

fn wrong_request_side_title(allowed: crate::domain::record_request::RequestSide) -> &'static str {
    match allowed {
        crate::domain::record_request::RequestSide::Requesting => {
            "only the requesting district can do this to a records request"
        }
        crate::domain::record_request::RequestSide::Recipient => {
            "only the district a records request is addressed to can do this"
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
