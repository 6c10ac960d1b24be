//! Configuration from the environment: the same names locally and in `template.yaml`.

use crate::domain::SecretKey;
use crate::error::Error;

#[derive(Debug, Clone)]
pub struct Config {
    pub table_name: String,
    /// Keys auth-code hashes and cursor signatures. At least 32 bytes.
    pub secret: SecretKey,
    /// The JWT claim that carries the user's district (`custom:district_id` with Cognito).
    pub district_claim: String,
    /// The claim naming the user (api.md v1.1, "Identity claims"): `sub` unless a deployment maps
    /// users by another one (a Cognito `sub` is a UUID; `cognito:username` is what districts import).
    pub user_claim: String,
    pub transfer_expiry_days: i64,
    /// Sender address verified in SES; without it mail stays in the outbox as failed-to-configure.
    pub mail_from: Option<String>,
    pub mail_configuration_set: Option<String>,
    /// Where links in notifications point (the web client).
    pub app_base_url: String,
    /// Delivery attempts per email before it is marked failed.
    pub mail_max_attempts: u32,
    /// First retry delay; each further retry doubles it.
    pub mail_retry_base_seconds: i64,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> Result<T, Error> {
    match var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| Error::unavailable(format!("{name} must be a number, got {v:?}"))),
    }
}

impl Config {
    /// Everything from the environment but the code-hash key, which `secrets::auth_code_secret` reads.
    pub fn from_env(secret: String) -> Result<Self, Error> {
        if secret.len() < 32 {
            return Err(Error::unavailable("the code secret must be at least 32 bytes"));
        }
        let expiry = number("TRANSFER_EXPIRY_DAYS", 30i64)?;
        if !(1..=365).contains(&expiry) {
            return Err(Error::unavailable("TRANSFER_EXPIRY_DAYS must be between 1 and 365"));
        }
        Ok(Config {
            table_name: var("TABLE_NAME").unwrap_or_else(|| "district-transfer-portal".into()),
            secret: SecretKey::new(secret.into_bytes()),
            district_claim: var("DISTRICT_CLAIM").unwrap_or_else(|| "district_id".into()),
            user_claim: var("USER_CLAIM").unwrap_or_else(|| "sub".into()),
            transfer_expiry_days: expiry,
            mail_from: var("MAIL_FROM"),
            mail_configuration_set: var("MAIL_CONFIGURATION_SET"),
            app_base_url: var("APP_BASE_URL")
                .unwrap_or_else(|| "http://localhost:3000".into())
                .trim_end_matches('/')
                .into(),
            mail_max_attempts: number("MAIL_MAX_ATTEMPTS", 8u32)?.max(1),
            mail_retry_base_seconds: number("MAIL_RETRY_BASE_SECONDS", 30i64)?.max(1),
        })
    }
}
