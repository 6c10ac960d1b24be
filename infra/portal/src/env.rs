//! The local environment: the embedded Dynoxide default of `fixtures.md`, and the local defaults for
//! settings that AWS deployments must set themselves.

use std::net::SocketAddr;

/// A development-only secret for local code hashes and cursors; AWS stacks pass their own.
const LOCAL_AUTH_CODE_SECRET: &str = "local-dev-auth-code-secret-not-for-production";
pub const LOCAL_JWT_SECRET: &str = "local-dev-secret";
/// Where the embedded DynamoDB listens; `LOCAL_DYNAMODB_PORT` moves it (two local APIs side by side).
pub fn local_dynamodb() -> String {
    format!("127.0.0.1:{}", std::env::var("LOCAL_DYNAMODB_PORT").unwrap_or_else(|_| "8000".into()))
}
pub const LOCAL_DATA_DIR: &str = ".local";

fn set_default(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        // Only ever called at start-up, before any other thread reads the environment.
        unsafe { std::env::set_var(name, value) };
    }
}

/// Defaults that make the AWS SDK and the app work on a laptop without any AWS account.
pub fn local_defaults() {
    set_default("AWS_REGION", "us-east-1");
    set_default("AWS_ACCESS_KEY_ID", "local");
    set_default("AWS_SECRET_ACCESS_KEY", "local");
    set_default("AUTH_CODE_SECRET", LOCAL_AUTH_CODE_SECRET);
    set_default("MAIL_FROM", "no-reply@transfer-portal.localhost");
}

pub fn dynamodb_endpoint_configured() -> bool {
    std::env::var_os("AWS_ENDPOINT_URL_DYNAMODB").is_some() || std::env::var_os("AWS_ENDPOINT_URL").is_some()
}

pub fn ses_endpoint_configured() -> bool {
    std::env::var_os("AWS_ENDPOINT_URL_SESV2").is_some() || std::env::var_os("AWS_ENDPOINT_URL").is_some()
}

pub fn jwt_secret() -> String {
    std::env::var("LOCAL_JWT_SECRET").unwrap_or_else(|_| LOCAL_JWT_SECRET.into())
}

/// Where the commands look for DynamoDB when nothing is configured: the embedded server of a running
/// `portal serve`.
pub fn point_at_local_dynamodb() {
    if !dynamodb_endpoint_configured() {
        unsafe { std::env::set_var("AWS_ENDPOINT_URL_DYNAMODB", format!("http://{}", local_dynamodb())) };
    }
}

/// Points every later client at the DynamoDB this process embedded (on the port it actually got).
pub fn use_dynamodb_at(addr: SocketAddr) {
    // Only ever called at start-up, before any other thread reads the environment.
    unsafe { std::env::set_var("AWS_ENDPOINT_URL_DYNAMODB", format!("http://{addr}")) };
}

/// Embeds Dynoxide with its data under `.local/` and serves it on 127.0.0.1:8000 for other shells
/// (`LOCAL_DYNAMODB_PORT`, 0 for any free port).
pub async fn embed_dynamodb() -> Result<SocketAddr, String> {
    std::fs::create_dir_all(LOCAL_DATA_DIR).map_err(|e| format!("creating {LOCAL_DATA_DIR}: {e}"))?;
    let path = format!("{LOCAL_DATA_DIR}/dynamodb.sqlite");
    let db = dynoxide::Database::new(&path).map_err(|e| format!("opening {path}: {e}"))?;
    let addr = local_dynamodb();
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|e| format!("binding {addr} for the embedded DynamoDB (is another portal serve running?): {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tokio::spawn(dynoxide::server::serve_on(listener, db));
    Ok(addr)
}
