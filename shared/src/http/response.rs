//! JSON success responses.

use lambda_http::{Body, Response};
use serde::Serialize;

pub fn json<T: Serialize>(status: u16, value: &T) -> Result<Response<Body>, crate::Error> {
    let body =
        serde_json::to_string(value).map_err(|e| crate::Error::unavailable(format!("serialising a response: {e}")))?;
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::Text(body))
        .map_err(|e| crate::Error::unavailable(e.to_string()))
}

pub fn ok<T: Serialize>(value: &T) -> Result<Response<Body>, crate::Error> {
    json(200, value)
}
