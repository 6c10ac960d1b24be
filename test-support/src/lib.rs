//! The set-up every test of the portal shares: a fresh DynamoDB (Dynoxide, in memory, served over HTTP
//! on a free port of 127.0.0.1 inside the test process) and the real AWS SDK pointed at it with test
//! credentials. Each test gets its own database.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;

/// A fresh, empty database; returns its endpoint URL.
pub async fn dynamodb() -> String {
    let db = dynoxide::Database::memory().expect("an in-memory Dynoxide");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    tokio::spawn(dynoxide::server::serve_on(listener, db));
    url
}

/// The SDK's configuration for a local endpoint (plain HTTP, test credentials, us-east-1).
pub async fn sdk(endpoint: &str) -> SdkConfig {
    sdk_with(endpoint, RetryConfig::standard()).await
}

/// The same with a retry policy of the test's choosing (a test of an outage retries once, quickly).
pub async fn sdk_with(endpoint: &str, retry: RetryConfig) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(retry)
        .load()
        .await
}

/// A DynamoDB client for a fresh database.
pub async fn dynamodb_client() -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(&sdk(&dynamodb().await).await)
}
