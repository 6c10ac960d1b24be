//! The `expire` Lambda (EventBridge, every 15 minutes): pending requests past their expiry become expired,
//! and the records requests' reminders that are due are sent.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    lambda_runtime::run(lambda_runtime::service_fn(|_: lambda_runtime::LambdaEvent<serde_json::Value>| async {
        let expired = shared::ops::expire::sweep(&app).await?;
        let reminded = shared::ops::reminders::remind(&app).await?;
        Ok::<_, lambda_runtime::Error>(serde_json::json!({ "expired": expired, "reminded": reminded }))
    }))
    .await
}
