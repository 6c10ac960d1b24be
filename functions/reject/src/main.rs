//! The `reject` Lambda: builds its clients once per cold start, then serves its routes (`shared::routes`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    let function = shared::routes::Function::Reject;
    lambda_http::run(lambda_http::service_fn(|req| shared::ops::handle(function, &app, req))).await
}
