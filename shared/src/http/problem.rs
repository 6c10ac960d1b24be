//! RFC 9457 problem details: every error leaves the service through `problem`, here and nowhere else.

use crate::error::Error;
use http_api_problem::{HttpApiProblem, StatusCode};
use lambda_http::{Body, Response};

/// Seconds a client should wait before retrying after a 503.
const RETRY_AFTER_SECONDS: u32 = 2;

pub fn status(err: &Error) -> u16 {
    match err {
        Error::Validation(_) => 400,
        Error::Unauthorized => 401,
        Error::Forbidden | Error::WrongSide(_) | Error::WrongRequestSide(_) => 403,
        Error::NotFound => 404,
        Error::TransfersDisabled
        | Error::DestinationUnavailable
        | Error::CaseNotTransferable(_)
        | Error::TransferNotPending(_)
        | Error::TransferExpired
        | Error::IdempotencyKeyReused
        | Error::IdempotencyInProgress
        | Error::RequestNotOpen(_)
        | Error::NoticeNotOpen(_)
        | Error::UserExists
        | Error::LastAdmin
        | Error::RecordRequestMismatch(_)
        | Error::CaseNumbersExhausted => 409,
        Error::InvalidAuthCode { .. } | Error::StudentNotFound(_) | Error::DecisionsMismatch(_) => 422,
        Error::AuthCodeLocked => 423,
        Error::MethodNotAllowed => 405,
        Error::PayloadTooLarge => 413,
        Error::RequestLineTooLong => 414,
        Error::UnsupportedMediaType => 415,
        Error::HeadersTooLarge => 431,
        Error::Unavailable(_) => 503,
    }
}

fn detail(err: &Error) -> String {
    match err {
        Error::Validation(fields) => {
            format!(
                "{} field(s) are not valid: {}",
                fields.len(),
                fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>().join(", ")
            )
        }
        Error::CaseNotTransferable(ids) => {
            format!("these cases are already in a pending transfer or transferred out: {}", joined(ids))
        }
        Error::TransferNotPending(s) => format!("the request is {}", s.as_str()),
        Error::RequestNotOpen(s) => format!("the records request is {}", s.as_str()),
        Error::LastAdmin => "give manage_users to another active user first, then change this one".into(),
        Error::NoticeNotOpen(s) => format!("the parent notice is {}", s.as_str().replace('_', " ")),
        Error::RecordRequestMismatch(why) => why.clone(),
        Error::InvalidAuthCode { attempts_remaining } => {
            format!("{attempts_remaining} attempt(s) remain before the request is locked")
        }
        Error::AuthCodeLocked => "too many wrong codes; the sending district must issue a new code".into(),
        Error::StudentNotFound(ids) => format!("no student {} in your district", joined(ids)),
        Error::WrongSide(side) => format!(
            "your district is the {} of this request",
            match side {
                crate::domain::Side::Source => "destination",
                crate::domain::Side::Destination => "source",
            }
        ),
        Error::DecisionsMismatch(why) => format!("give exactly one decision for each case: {why}"),
        Error::Unavailable(_) => "please retry shortly; nothing was changed".into(),
        Error::CaseNumbersExhausted => {
            "the case numbers your district imported end near the largest number the portal can give; \
             nothing was changed"
                .into()
        }
        other => other.to_string(),
    }
}

fn joined<T: std::fmt::Display>(ids: &[T]) -> String {
    ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

pub fn problem(err: &Error) -> Response<Body> {
    let status = status(err);
    let code = err.code();
    let mut p = HttpApiProblem::new(StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
        .type_url(format!("urn:district-transfer-portal:problem:{code}"))
        .title(err.to_string())
        .detail(detail(err))
        .value("code", &code);
    match err {
        Error::Validation(fields) => p = p.value("errors", fields),
        Error::CaseNotTransferable(ids) => p = p.value("caseIds", ids),
        Error::TransferNotPending(s) => p = p.value("currentStatus", &s.as_str()),
        Error::RequestNotOpen(s) => p = p.value("currentStatus", &s.as_str()),
        Error::TransferExpired => p = p.value("currentStatus", &"expired"),
        Error::InvalidAuthCode { attempts_remaining } => p = p.value("attemptsRemaining", attempts_remaining),
        Error::AuthCodeLocked => p = p.value("attemptsRemaining", &0),
        Error::StudentNotFound(ids) => p = p.value("studentIds", ids),
        _ => {}
    }
    let mut builder = super::response::api_headers(Response::builder())
        .status(status)
        .header("content-type", "application/problem+json");
    match err {
        Error::Unavailable(_) => builder = builder.header("retry-after", RETRY_AFTER_SECONDS.to_string()),
        // The first send finishes within a request's time: a second is enough.
        Error::IdempotencyInProgress => builder = builder.header("retry-after", "1"),
        _ => {}
    }
    if status == 401 {
        builder = builder.header("www-authenticate", "Bearer");
    }
    builder.body(Body::Text(p.json_string())).unwrap_or_default()
}
