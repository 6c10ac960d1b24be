//! JSON success responses, and the headers every API response carries.

use lambda_http::http::response::Builder;
use lambda_http::{Body, Response};
use serde::Serialize;

/// Every response of the API, success or problem, whoever serves it (a function behind API Gateway
/// and CloudFront's `/v1/*`, or `portal serve`): case data is never kept in a browser's or a shared
/// proxy's cache (a school's shared computer), and never sniffed into another type.
pub fn api_headers(builder: Builder) -> Builder {
    builder.header("cache-control", "no-store").header("x-content-type-options", "nosniff")
}

pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Response<Body>, crate::Error> {
    let body =
        serde_json::to_string(value).map_err(|e| crate::Error::unavailable(format!("serialising a response: {e}")))?;
    api_headers(Response::builder())
        .status(status)
        .header("content-type", "application/json")
        .body(Body::Text(body))
        .map_err(|e| crate::Error::unavailable(e.to_string()))
}

pub fn ok<T: Serialize>(value: &T) -> Result<Response<Body>, crate::Error> {
    json(200, value)
}
