//! `POST /v1/transfers/{id}/cancel`: the sender withdraws a pending request; its cases are free again.

use crate::domain::TransferStatus;
use crate::App;
use lambda_http::{Body, Request, Response};
use std::convert::Infallible;

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Infallible> {
    super::serve(req, |req, route| async move {
        match route.as_str() {
            "POST /v1/transfers/{id}/cancel" => super::decide::end(app, req, TransferStatus::Cancelled).await,
            _ => Err(super::no_route()),
        }
    })
    .await
}
