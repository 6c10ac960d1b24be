//! A function binary and the events it is invoked with: the release build of one Lambda, and an API
//! Gateway v2 event as the JWT authorizer passes it on.

use serde_json::{json, Value};
use std::path::PathBuf;

/// An API Gateway v2 event as the JWT authorizer passes it on (`events/` has one per route).
pub fn event(
    route: &str,
    path: &str,
    params: Value,
    query: &str,
    body: Option<Value>,
    user: &str,
    district: &str,
) -> Value {
    let (method, _) = route.split_once(' ').expect("METHOD /path");
    let query_params: serde_json::Map<String, Value> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
        .collect();
    json!({
        "version": "2.0", "routeKey": route, "rawPath": path, "rawQueryString": query,
        "headers": {"content-type": "application/json", "host": "bench.example"},
        "queryStringParameters": query_params, "pathParameters": params,
        "requestContext": {
            "accountId": "000000000000", "apiId": "bench", "domainName": "bench.example", "domainPrefix": "bench",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
            "requestId": "bench", "routeKey": route, "stage": "$default", "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 0,
            "authorizer": {"jwt": {"claims": {"sub": user, "district_id": district}, "scopes": null}}
        },
        "isBase64Encoded": false,
        "body": body.map(|b| b.to_string())
    })
}

pub fn binary(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--locked", "-q", "-p", name])
        .current_dir(&root)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build -p {name}");
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root.join("target"));
    target.join("release").join(name)
}
