//! `POST /v1/transfers/{id}/reject`: the destination declines; the source's cases are free again.

use crate::domain::TransferStatus;
use crate::App;
use lambda_http::{Body, Request, Response};
use std::convert::Infallible;

pub async fn handle(app: &App, req: Request) -> Result<Response<Body>, Infallible> {
    super::serve(req, |req, route| async move {
        match route.as_str() {
            "POST /v1/transfers/{id}/reject" => super::decide::end(app, req, TransferStatus::Rejected).await,
            _ => Err(super::no_route()),
        }
    })
    .await
}
