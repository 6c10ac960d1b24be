//! Small parts the tests share: the app's configuration, a reply, a counter of DynamoDB calls, and
//! tokens with odd claims.

use serde_json::{json, Value};
use shared::config::Config;
use shared::domain::SecretKey;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Counts the requests the AWS SDK sends to DynamoDB, so tests and benchmarks can see round trips.
#[derive(Debug, Default, Clone)]
pub struct CallCounter(Arc<AtomicUsize>);

impl CallCounter {
    pub fn take(&self) -> usize {
        self.0.swap(0, Ordering::SeqCst)
    }
}

impl aws_sdk_dynamodb::config::Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    fn read_before_transmit(
        &self,
        _: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// A local token for North's Ann with some claims replaced: for tests of what a verified token may
/// still carry that this portal must refuse.
pub fn token_with(overrides: &serde_json::Map<String, Value>) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({"sub": "u-ann", "district_id": crate::fixture::NORTH, "iss": portal::token::ISSUER,
                            "aud": portal::token::AUDIENCE, "iat": now, "exp": now + 3600});
    for (k, v) in overrides {
        claims[k] = v.clone();
    }
    let key = jsonwebtoken::EncodingKey::from_secret(crate::JWT_SECRET.as_bytes()).expect("a key");
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &claims, &key).expect("a token")
}

pub fn config() -> Config {
    Config {
        table_name: "portal-test".into(),
        secret: SecretKey::new("test-secret-test-secret-test-secret!".as_bytes().to_vec()),
        district_claim: "district_id".into(),
        user_claim: "sub".into(),
        transfer_expiry_days: 30,
        mail_from: Some("portal@transfers.example".into()),
        mail_configuration_set: None,
        app_base_url: "https://portal.example".into(),
        mail_max_attempts: 4,
        mail_retry_base_seconds: 1,
    }
}

/// A response as a user sees it: status, content type and JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// The stable `code` of a problem+json error.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    pub fn is_problem(&self, status: u16, code: &str) -> bool {
        self.status == status && self.code() == code && self.content_type == "application/problem+json"
    }
}
