//! The Secrets Manager adapter: the key of code hashes and cursor signatures, read once when a function
//! starts (`App::from_env`) and kept for the container's life. It is never in the function's
//! configuration, where anyone allowed `lambda:GetFunctionConfiguration` could read it: the function
//! gets only the secret's ARN (`AUTH_CODE_SECRET_ARN`) and `secretsmanager:GetSecretValue` on it.
//! Locally, `AUTH_CODE_SECRET` in the environment is taken as it is.

use crate::error::Error;
use aws_sdk_secretsmanager::error::DisplayErrorContext;

/// The key: `AUTH_CODE_SECRET` if set (local runs), else the secret `AUTH_CODE_SECRET_ARN` names.
pub async fn auth_code_secret(sdk: &aws_config::SdkConfig) -> Result<String, Error> {
    if let Some(local) = std::env::var("AUTH_CODE_SECRET").ok().filter(|v| !v.is_empty()) {
        return Ok(local);
    }
    let id = std::env::var("AUTH_CODE_SECRET_ARN")
        .ok()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| Error::unavailable("neither AUTH_CODE_SECRET nor AUTH_CODE_SECRET_ARN is set"))?;
    read(&aws_sdk_secretsmanager::Client::new(sdk), &id).await
}

/// The secret's value: the `secret` field of the JSON the template generates, or the whole string.
pub async fn read(client: &aws_sdk_secretsmanager::Client, id: &str) -> Result<String, Error> {
    let out = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        // The error names the secret, never its value.
        .map_err(|e| Error::unavailable(format!("reading the code secret {id}: {}", DisplayErrorContext(e))))?;
    let text = out.secret_string().ok_or_else(|| Error::unavailable(format!("the code secret {id} has no string")))?;
    Ok(match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if v["secret"].is_string() => v["secret"].as_str().unwrap_or_default().to_owned(),
        _ => text.to_owned(),
    })
}
