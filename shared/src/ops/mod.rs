//! One module per operation: the use case that the Lambda function, the local API and the tests all
//! run. Each reads what it needs (the caller riding along in the same BatchGetItem), lets the domain
//! decide, and commits what was decided in one conditional transaction.

pub mod accept;
pub mod cancel;
mod decide;
pub mod expire;
pub mod list;
pub mod notify;
pub mod reject;
pub mod send;
pub mod toggle;
mod view;

pub use view::TransferView;

use crate::error::Error;
use crate::http::{problem::problem, request_id, route_key};
use lambda_http::{Body, Request, Response};
use std::convert::Infallible;
use std::future::Future;
use tracing::Instrument;

/// Runs one request inside a span (request id, route, and later the district and transfer id) and
/// turns any error into problem+json. Internal causes are logged here and never reach the caller.
pub(crate) async fn serve<F, Fut>(req: Request, run: F) -> Result<Response<Body>, Infallible>
where
    F: FnOnce(Request, String) -> Fut,
    Fut: Future<Output = Result<Response<Body>, Error>>,
{
    let route = route_key(&req);
    let span = tracing::info_span!(
        "request",
        request_id = %request_id(&req),
        route = %route,
        district = tracing::field::Empty,
        user = tracing::field::Empty,
        transfer_id = tracing::field::Empty,
    );
    async move {
        let response = match run(req, route).await {
            Ok(r) => r,
            Err(err) => {
                if let Error::Unavailable(cause) = &err {
                    tracing::error!(%cause, "request failed");
                }
                problem(&err)
            }
        };
        tracing::info!(status = response.status().as_u16(), "handled");
        Ok(response)
    }
    .instrument(span)
    .await
}

pub(crate) fn no_route() -> Error {
    Error::NotFound
}

pub(crate) fn record_transfer(id: &crate::domain::TransferId) {
    tracing::Span::current().record("transfer_id", id.as_str());
}
