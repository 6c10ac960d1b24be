//! The local API: every route of `template.yaml`, each request turned into the API Gateway HTTP API v2
//! event a Lambda receives (route key, path parameters, query string, body, verified JWT claims) and
//! handed to the same handler function the Lambda binary runs.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use axum::Router;
use shared::routes::Route;
use shared::App;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// API Gateway's own payload limit for HTTP APIs.
const MAX_BODY: usize = 10 * 1024 * 1024;

#[derive(Clone)]
pub struct Local {
    pub app: App,
    pub jwt_secret: Arc<str>,
    requests: Arc<AtomicU64>,
    /// The built web client (`web/dist`), served at `/` when present (`crate::web`).
    pub web: Option<Arc<std::path::Path>>,
    pub auth: crate::web::Auth,
    /// A Lambda Invoke API (`sam local start-lambda`): each route's function is invoked there with the
    /// event instead of in this process (`crate::lambda`).
    pub lambda_endpoint: Option<Arc<str>>,
    /// The port the API is bound to: the development sign-in answers only `Host`s naming it.
    pub port: Option<u16>,
}

impl Local {
    pub fn new(app: App, jwt_secret: &str) -> Self {
        Local {
            app,
            jwt_secret: jwt_secret.into(),
            requests: Arc::default(),
            web: None,
            auth: Default::default(),
            lambda_endpoint: None,
            port: None,
        }
    }

    /// The same, serving the web client built into `dir`.
    pub fn with_web(mut self, dir: impl Into<std::path::PathBuf>, auth: crate::web::Auth) -> Self {
        self.web = Some(Arc::from(dir.into().as_path()));
        self.auth = auth;
        self
    }
}

fn filter(method: &str) -> MethodFilter {
    match method {
        "GET" => MethodFilter::GET,
        "PUT" => MethodFilter::PUT,
        "DELETE" => MethodFilter::DELETE,
        "PATCH" => MethodFilter::PATCH,
        _ => MethodFilter::POST,
    }
}

/// The router: one entry per route of `shared::routes::Route` (the table `template.yaml` is checked
/// against), and a problem+json 404 for anything else.
pub fn router(local: Local) -> Router {
    let mut by_path: BTreeMap<&str, MethodRouter<Local>> = BTreeMap::new();
    for route in Route::all() {
        let spec = route.spec();
        let handler = move |state: State<Local>,
                            path: Result<Path<HashMap<String, String>>, PathRejection>,
                            query: RawQuery,
                            method: Method,
                            headers: HeaderMap,
                            body: Result<Bytes, BytesRejection>| async move {
            // A path that does not decode (bad percent-encoding, not UTF-8) names nothing: 404, as
            // for any id that breaks the id rule. A body over the limit is a 413.
            let Ok(path) = path else { return problem(&shared::Error::NotFound) };
            let Ok(body) = body else { return problem(&shared::Error::PayloadTooLarge) };
            invoke(state, route, path.0, query, method, headers, body).await
        };
        let entry = by_path.remove(spec.path).unwrap_or_default();
        by_path.insert(spec.path, entry.on(filter(spec.method), handler));
    }
    let mut router = Router::new();
    for (path, methods) in by_path {
        router = router.route(path, methods.fallback(|| async { problem(&shared::Error::MethodNotAllowed) }));
    }
    // Every error the local API makes itself is problem+json too, like the handlers' own; anything
    // outside `/v1` is the web client's, when one is served.
    if local.web.is_some() {
        router = router.merge(crate::web::routes());
    }
    router
        .fallback(crate::web::static_or_index)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(refuse_announced_oversize))
        .with_state(local)
}

/// A body announced larger than the limit is refused before any of it is read, as API Gateway does.
async fn refuse_announced_oversize(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_BODY as u64) {
        return problem(&shared::Error::PayloadTooLarge);
    }
    next.run(req).await
}

pub(crate) fn problem(err: &shared::Error) -> Response {
    lambda_to_axum(shared::http::problem::problem(err))
}

/// The routes the local API serves, as `METHOD /path` keys.
pub fn served_routes() -> Vec<String> {
    Route::all().map(Route::key).collect()
}

async fn invoke(
    State(local): State<Local>,
    route: Route,
    path: HashMap<String, String>,
    RawQuery(query): RawQuery,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let spec = route.spec();
    let claims = if spec.public {
        None
    } else {
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
        let verified = match &local.auth.oidc {
            Some(oidc) => token.and_then(|t| oidc.keys.verify(t)),
            None => token.and_then(|t| crate::token::verify(&local.jwt_secret, t)),
        };
        match verified {
            Some(c) => Some(c),
            None => return problem(&shared::Error::Unauthorized),
        }
    };
    let n = local.requests.fetch_add(1, Ordering::Relaxed);
    let event = event(route, path, query, &method, &headers, &body, claims, n);
    if let Some(endpoint) = &local.lambda_endpoint {
        return crate::lambda::invoke(endpoint, spec.function, &event).await;
    }
    let request = match lambda_http::request::from_str(&event.to_string()) {
        Ok(r) => r,
        Err(_) => return problem(&shared::Error::invalid("body", "not a valid request")),
    };
    match shared::ops::handle(spec.function, &local.app, request).await {
        Ok(response) => lambda_to_axum(response),
        Err(never) => match never {},
    }
}

/// The API Gateway HTTP API v2 event for one request.
#[allow(clippy::too_many_arguments)]
pub fn event(
    route: Route,
    path_params: HashMap<String, String>,
    query: Option<String>,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
    claims: Option<HashMap<String, String>>,
    n: u64,
) -> serde_json::Value {
    let mut raw_path = route.spec().path.to_owned();
    for (k, v) in &path_params {
        raw_path = raw_path.replace(&format!("{{{k}}}"), v);
    }
    let query = query.unwrap_or_default();
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in url_pairs(&query) {
        // API Gateway joins repeated parameters with commas.
        params.entry(k).and_modify(|e| e.push(',')).or_default().push_str(&v);
    }
    // Header values that are not visible ASCII are passed on (lossily), never dropped: a handler must
    // see, and refuse, an `Idempotency-Key` it cannot use rather than act as if there were none.
    let headers: BTreeMap<String, String> = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let now = chrono::Utc::now();
    let (body, base64) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => {
            use base64::Engine;
            (base64::engine::general_purpose::STANDARD.encode(body), true)
        }
    };
    let mut context = serde_json::json!({
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": "127.0.0.1",
        "domainPrefix": "local",
        "http": {
            "method": method.as_str(),
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": headers.get("user-agent").cloned().unwrap_or_default(),
        },
        "requestId": format!("local-{}-{n}", now.timestamp_millis()),
        "routeKey": route.key(),
        "stage": "$default",
        "time": now.format("%d/%b/%Y:%H:%M:%S +0000").to_string(),
        "timeEpoch": now.timestamp_millis(),
    });
    if let Some(claims) = claims {
        context["authorizer"] = serde_json::json!({ "jwt": { "claims": claims, "scopes": null } });
    }
    serde_json::json!({
        "version": "2.0",
        "routeKey": route.key(),
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": headers,
        "queryStringParameters": if params.is_empty() { serde_json::Value::Null } else { serde_json::json!(params) },
        "pathParameters": if path_params.is_empty() { serde_json::Value::Null } else { serde_json::json!(path_params) },
        "requestContext": context,
        "body": if body.is_empty() { serde_json::Value::Null } else { serde_json::Value::String(body) },
        "isBase64Encoded": base64,
    })
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

pub(crate) fn lambda_to_axum(resp: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = resp.into_parts();
    let bytes: Vec<u8> = match body {
        lambda_http::Body::Empty => Vec::new(),
        lambda_http::Body::Text(t) => t.into_bytes(),
        lambda_http::Body::Binary(b) => b,
        _ => Vec::new(),
    };
    let mut out = (StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::OK), bytes).into_response();
    for (k, v) in parts.headers.iter() {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(k.as_str().as_bytes()),
            axum::http::HeaderValue::from_bytes(v.as_bytes()),
        ) {
            out.headers_mut().insert(name, value);
        }
    }
    out
}

/// The in-process schedule of the two jobs that EventBridge runs in AWS.
pub fn spawn_jobs(app: App, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match shared::ops::expire::sweep(&app).await {
                Ok(0) => {}
                Ok(n) => eprintln!("[jobs] expired {n} transfer request(s)"),
                Err(e) => eprintln!("[jobs] expiry sweep failed: {e}"),
            }
            match shared::ops::reminders::remind(&app).await {
                Ok(0) => {}
                Ok(n) => eprintln!("[jobs] sent {n} records request reminder(s)"),
                Err(e) => eprintln!("[jobs] reminder sweep failed: {e}"),
            }
            match shared::ops::notify::run_due(&app).await {
                Ok(run) if run == Default::default() => {}
                Ok(run) => eprintln!("[jobs] outbox: {run:?}"),
                Err(e) => eprintln!("[jobs] outbox run failed: {e}"),
            }
        }
    });
}

/// What the end-to-end tests need of axum to serve the router, without a dependency of their own.
pub mod axum_reexport {
    pub use axum::{serve, Router};
}
