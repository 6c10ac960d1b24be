//! `portal serve --lambda-endpoint URL`: each route's function is invoked through the Lambda Invoke API
//! (`sam local start-lambda`, or any emulator of it) with the very API Gateway v2 event the local API
//! builds, after the local API verified the token as API Gateway's JWT authorizer would. So the
//! functions run in SAM's containers while identity works as in AWS (SAM's own `start-api` ignores HTTP
//! API JWT authorizers).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::routes::Function;

/// The function's logical id in `template.yaml`: `list` is `ListFunction`.
pub fn logical_id(function: Function) -> String {
    let name = function.name();
    let mut chars = name.chars();
    let first: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    format!("{first}{}Function", chars.as_str())
}

/// The `deliver` function with a DynamoDB stream event (the local stream consumer's batches); its
/// answer, `batchItemFailures` and all.
pub async fn invoke_deliver(
    endpoint: &str,
    event: &aws_lambda_events::event::dynamodb::Event,
) -> Result<serde_json::Value, String> {
    let url = format!("{}/2015-03-31/functions/DeliverFunction/invocations", endpoint.trim_end_matches('/'));
    let r = reqwest::Client::new().post(&url).json(event).send().await.map_err(|e| e.to_string())?;
    let (status, unhandled) = (r.status(), r.headers().contains_key("x-amz-function-error"));
    let body = r.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() || unhandled {
        return Err(format!("{status}: {body}"));
    }
    serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))
}

pub async fn invoke(endpoint: &str, function: Function, event: &serde_json::Value) -> Response {
    let url = format!("{}/2015-03-31/functions/{}/invocations", endpoint.trim_end_matches('/'), logical_id(function));
    let answer = async {
        let r = reqwest::Client::new().post(&url).json(event).send().await.map_err(|e| e.to_string())?;
        let status = r.status();
        let body = r.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{status}: {body}"));
        }
        serde_json::from_str::<serde_json::Value>(&body).map_err(|e| format!("{e}: {body}"))
    };
    match answer.await {
        Ok(proxy) => from_proxy_response(&proxy),
        Err(e) => {
            eprintln!("[lambda] {} failed: {e}", logical_id(function));
            // What API Gateway answers when the integration fails.
            (StatusCode::BAD_GATEWAY, axum::Json(serde_json::json!({"message": "Internal Server Error"})))
                .into_response()
        }
    }
}

/// A Lambda proxy integration's answer (`statusCode`, `headers`, `body`, `isBase64Encoded`) as HTTP.
fn from_proxy_response(proxy: &serde_json::Value) -> Response {
    let mut builder = lambda_http::http::Response::builder()
        .status(proxy["statusCode"].as_u64().and_then(|s| u16::try_from(s).ok()).unwrap_or(502));
    for (k, v) in proxy["headers"].as_object().into_iter().flatten() {
        if let Some(v) = v.as_str() {
            builder = builder.header(k.as_str(), v);
        }
    }
    let text = proxy["body"].as_str().unwrap_or_default();
    let body = if proxy["isBase64Encoded"].as_bool() == Some(true) {
        use base64::Engine;
        lambda_http::Body::Binary(base64::engine::general_purpose::STANDARD.decode(text).unwrap_or_default())
    } else {
        lambda_http::Body::Text(text.to_owned())
    };
    match builder.body(body) {
        Ok(r) => crate::serve::lambda_to_axum(r),
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_named_as_in_the_template() {
        assert_eq!(logical_id(Function::List), "ListFunction");
        assert_eq!(logical_id(Function::Accept), "AcceptFunction");
    }
}
