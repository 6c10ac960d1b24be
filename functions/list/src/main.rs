//! The `list` Lambda: builds its clients once per cold start, then serves its routes.

// One event at a time per sandbox: a single-threaded runtime starts faster and needs no worker threads.
#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    lambda_http::run(lambda_http::service_fn(|req| shared::ops::list::handle(&app, req))).await
}
