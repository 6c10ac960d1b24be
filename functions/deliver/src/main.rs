//! The `deliver` Lambda: fed by the table's stream (outbox messages as they commit) and, as a safety
//! net, by EventBridge every minute (whatever the stream missed, mail due again); `ops::deliver`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let app = shared::App::from_env().await?;
    lambda_runtime::run(lambda_runtime::service_fn(|e: lambda_runtime::LambdaEvent<serde_json::Value>| async {
        Ok::<_, lambda_runtime::Error>(shared::ops::deliver::handle(&app, e.payload).await?)
    }))
    .await
}
