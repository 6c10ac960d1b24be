//! The `deliver` Lambda (EventBridge, every minute): finishes fan-outs and delivers due email.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    lambda_runtime::run(lambda_runtime::service_fn(|_: lambda_runtime::LambdaEvent<serde_json::Value>| async {
        Ok::<_, lambda_runtime::Error>(serde_json::json!(shared::ops::notify::run_due(&app).await?))
    }))
    .await
}
