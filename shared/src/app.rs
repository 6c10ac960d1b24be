//! Everything an operation needs, built once per cold start.

use crate::clock::Clock;
use crate::config::Config;
use crate::error::Error;
use crate::mail::Mailer;
use crate::store::{CursorKey, Store};
use aws_config::BehaviorVersion;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
use aws_smithy_http_client::Builder;

#[derive(Clone)]
pub struct App {
    pub config: Config,
    pub store: Store,
    pub mailer: Mailer,
    pub clock: Clock,
    /// The stack's Cognito user pool, if it has one: an administrator's changes to users follow there.
    pub users: Option<crate::user_pool::UserPool>,
}

impl App {
    /// Reads the standard AWS SDK environment (region, credentials, `AWS_ENDPOINT_URL_DYNAMODB`,
    /// `AWS_ENDPOINT_URL_SESV2`), so the same code runs against AWS, DynamoDB Local or Dynoxide.
    pub async fn from_env() -> Result<Self, Error> {
        let sdk = aws_config::defaults(BehaviorVersion::latest()).http_client(https_client()?).load().await;
        let config =
            async { Config::from_env(crate::secrets::auth_code_secret(&sdk).await?) }.await.inspect_err(|e| {
                // The error's own text is the generic one callers see; the operator needs the cause.
                if let Error::Unavailable(cause) = e {
                    tracing::error!(%cause, "configuration is incomplete");
                }
            })?;
        let mailer = Mailer::from_env(&sdk, &config);
        let mut app = Self::new(config, &sdk, mailer);
        app.users = crate::user_pool::UserPool::from_env(&sdk);
        Ok(app)
    }

    pub fn new(config: Config, sdk: &aws_config::SdkConfig, mailer: Mailer) -> Self {
        Self::with_clients(config, aws_sdk_dynamodb::Client::new(sdk), mailer)
    }

    pub fn with_clients(config: Config, db: aws_sdk_dynamodb::Client, mailer: Mailer) -> Self {
        let store = Store::new(db, config.table_name.clone(), CursorKey(config.secret.clone()));
        App { config, store, mailer, clock: Clock::default(), users: None }
    }
}

/// One HTTP stack (hyper + rustls on ring) with the Mozilla roots compiled in: no scan of the system
/// certificate directory at cold start.
pub fn https_client() -> Result<aws_smithy_runtime_api::client::http::SharedHttpClient, Error> {
    let mut store = TrustStore::empty().with_native_roots(false);
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        store.add_pem_certificate(pem(cert.as_ref()));
    }
    let tls = TlsContext::builder()
        .with_trust_store(store)
        .build()
        .map_err(|e| Error::unavailable(format!("TLS setup: {e}")))?;
    Ok(Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
        .tls_context(tls)
        .build_https())
}

fn pem(der: &[u8]) -> Vec<u8> {
    use base64::{engine::general_purpose::STANDARD, Engine};
    let body = STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out.into_bytes()
}
