//! One module per operation: the use case that the Lambda function, the local API and the tests all
//! run. Each reads what it needs (the caller riding along in the same BatchGetItem), lets the domain
//! decide, and commits what was decided in one conditional transaction.

pub mod accept;
pub mod admin;
pub mod decide;
pub mod deliver;
pub mod desk;
pub mod disclosures;
pub mod expire;
pub mod list;
pub mod notify;
mod notify_requests;
pub mod parent_notices;
pub mod record_decisions;
pub mod records;
pub mod reminders;
pub mod send;
pub mod settings;
pub mod toggle;
mod view;

pub use view::TransferView;

use crate::error::Error;
use crate::http::{problem::problem, request_id, route_key};
use crate::routes::{Function, Route};
use crate::App;
use lambda_http::{Body, Request, Response};
use std::convert::Infallible;
use tracing::Instrument;

/// A Lambda function serving its HTTP routes: JSON logs, the clients built once per cold start, then
/// every request through `handle`.
pub async fn run_function(function: Function) -> Result<(), lambda_http::Error> {
    crate::telemetry::init();
    let app = App::from_env().await?;
    lambda_http::run(lambda_http::service_fn(|req| handle(function, &app, req))).await
}

/// What a Lambda function (and `portal serve`) runs for each request: the route's handler, inside a
/// span (request id, route, and later the district and transfer id), any error turned into
/// problem+json. Internal causes are logged here and never reach the caller. A route that is not this
/// function's is not found.
pub async fn handle(function: Function, app: &App, req: Request) -> Result<Response<Body>, Infallible> {
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
        let spec = Route::from_key(&route).map(Route::spec).filter(|s| s.function == function);
        let outcome = match spec {
            Some(spec) => (spec.handler)(app, &req).await,
            None => Err(Error::NotFound),
        };
        let response = match outcome {
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

pub(crate) fn record_transfer(id: &crate::domain::TransferId) {
    tracing::Span::current().record("transfer_id", id.as_str());
}
