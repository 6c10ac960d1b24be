//! What `portal serve` adds for the staff web client, locally only (never in `template.yaml` nor in a
//! Lambda): the built client at `/`, on the same origin as `/v1` (no CORS); its `config.json`; and a
//! development sign-in that lists the users in the table, each as a button, and mints a local token.
//! The user list reads the whole table (a Scan): a development aid, never deployed.

use crate::serve::Local;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::path::{Component, Path, PathBuf};

/// The client's Content-Security-Policy, as CloudFront sends it in AWS (`template.yaml`): scripts and
/// styles of its own origin only, no frames, no plug-ins; `connect-src` adds the OIDC issuer.
pub fn content_security_policy(issuer: Option<&str>) -> String {
    let connect = match issuer {
        Some(i) => format!("'self' {}", origin_of(i)),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src {connect}; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )
}

fn origin_of(url: &str) -> String {
    url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/")
}

/// How the client signs in: the local user list, or OIDC (authorization code + PKCE) against an
/// issuer, as in AWS.
#[derive(Clone, Default)]
pub struct Auth {
    pub oidc: Option<Oidc>,
}

#[derive(Clone)]
pub struct Oidc {
    pub issuer: String,
    pub client_id: String,
    /// The issuer's keys: the local API then takes its tokens instead of local ones.
    pub keys: std::sync::Arc<crate::token::OidcKeys>,
}

/// Mounted only when the web client is served. The development sign-in answers only requests whose
/// `Host` is this machine's loopback address with the bound port: a web page elsewhere, even one whose
/// name an attacker points at 127.0.0.1 (DNS rebinding), cannot list the users or mint tokens.
pub fn routes() -> Router<Local> {
    Router::new()
        .route("/config.json", get(config))
        .route("/local/users", get(users))
        .route("/local/sign-in", post(sign_in))
        .route("/local/clock", post(clock))
}

/// The development sign-in is there for this request: no OIDC issuer, and a loopback `Host`.
fn sign_in_allowed(local: &Local, headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    local.auth.oidc.is_none() && is_loopback_host(host, local.port)
}

/// `127.0.0.1`, `localhost` or `[::1]`, with the port the API is bound to (when known).
pub fn is_loopback_host(host: &str, port: Option<u16>) -> bool {
    let (name, given) = match host.rsplit_once(':') {
        Some((name, p)) if !name.is_empty() && !p.contains(']') => (name, p.parse::<u16>().ok()),
        _ => (host, None),
    };
    let loopback = ["127.0.0.1", "localhost", "[::1]"].contains(&name.to_ascii_lowercase().as_str());
    loopback && given.is_some() && (port.is_none() || given == port)
}

async fn config(State(local): State<Local>) -> Response {
    let body = match &local.auth.oidc {
        None => serde_json::json!({"auth": "local"}),
        Some(o) => serde_json::json!({"auth": "oidc", "authority": o.issuer, "clientId": o.client_id,
                                      "scope": "openid profile email"}),
    };
    no_store(Json(body).into_response())
}

/// Every user in the table, for the development sign-in (404 once OIDC is configured, or for a
/// `Host` that is not this machine).
async fn users(State(local): State<Local>, headers: HeaderMap) -> Response {
    if !sign_in_allowed(&local, &headers) {
        return crate::serve::problem(&shared::Error::NotFound);
    }
    match crate::token::all_users(&local.app.store).await {
        Ok(users) => no_store(Json(users).into_response()),
        Err(e) => crate::serve::problem(&shared::Error::unavailable(e)),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignIn {
    user_id: String,
    district_id: String,
}

async fn sign_in(State(local): State<Local>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if !sign_in_allowed(&local, &headers) {
        return crate::serve::problem(&shared::Error::NotFound);
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return crate::serve::problem(&shared::Error::UnsupportedMediaType);
    }
    let who: SignIn = match serde_json::from_slice(&body) {
        Ok(who) => who,
        Err(_) => return crate::serve::problem(&shared::Error::invalid("body", "expected {userId, districtId}")),
    };
    let user = match crate::token::find_user(&local.app.store, &who.user_id, Some(&who.district_id)).await {
        Ok(u) => u,
        Err(_) => return crate::serve::problem(&shared::Error::NotFound),
    };
    match crate::token::mint(&local.jwt_secret, &user, &local.app.config, chrono::Duration::hours(8)) {
        Ok(token) => no_store(Json(serde_json::json!({"token": token})).into_response()),
        Err(e) => crate::serve::problem(&shared::Error::unavailable(e)),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Advance {
    advance_hours: u32,
}

/// Moves this local portal's clock forward (a development aid, like the sign-in: loopback only, never
/// deployed), so that a person or a browser test can see a due date pass and its reminders go.
async fn clock(State(local): State<Local>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if !sign_in_allowed(&local, &headers) {
        return crate::serve::problem(&shared::Error::NotFound);
    }
    match serde_json::from_slice::<Advance>(&body) {
        Ok(a) if (1..=24 * 400).contains(&a.advance_hours) => {
            local.app.clock.advance(chrono::Duration::hours(a.advance_hours.into()));
            no_store(Json(serde_json::json!({"now": local.app.clock.now()})).into_response())
        }
        _ => crate::serve::problem(&shared::Error::invalid("advanceHours", "a whole number of hours, 1 to 9600")),
    }
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

/// A file of the built client, or its `index.html` for a client-side route (what the CloudFront
/// Function does in AWS). Paths under `/v1/` are the API's: an unknown one is its problem+json 404.
pub async fn static_or_index(State(local): State<Local>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let Some(dir) = local.web.clone().filter(|_| !path.starts_with("/v1/") && path != "/v1") else {
        return crate::serve::problem(&shared::Error::NotFound);
    };
    let Some(relative) = safe_relative(&path) else { return crate::serve::problem(&shared::Error::NotFound) };
    let file = dir.join(&relative);
    let (file, immutable) = match tokio::fs::metadata(&file).await {
        Ok(m) if m.is_file() => (file, relative.starts_with("assets")),
        // No extension: a client-side route. With one: a file that is not there.
        _ if Path::new(&path).extension().is_none() => (dir.join("index.html"), false),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let Ok(bytes) = tokio::fs::read(&file).await else {
        return (StatusCode::NOT_FOUND, "the web client is not built: npm run build in web/").into_response();
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&file)));
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    let csp = content_security_policy(local.auth.oidc.as_ref().map(|o| o.issuer.as_str()));
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

/// The request path as a path inside the client's folder, or `None` if it would leave it.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path.trim_start_matches('/'))?;
    let relative = PathBuf::from(decoded);
    relative.components().all(|c| matches!(c, Component::Normal(_))).then_some(relative)
}

fn percent_decode(s: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("p={}", s.replace('+', "%2B")).as_bytes()).next().map(|(_, v)| v.into_owned())
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_client_folder() {
        assert_eq!(safe_relative("/assets/app.js"), Some(PathBuf::from("assets/app.js")));
        assert_eq!(safe_relative("/../secret"), None);
        assert_eq!(safe_relative("/assets/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(safe_relative("/"), Some(PathBuf::new()));
    }

    #[test]
    fn only_loopback_hosts_on_the_bound_port_reach_the_development_sign_in() {
        for (host, port, ok) in [
            ("127.0.0.1:3000", Some(3000), true),
            ("localhost:3000", Some(3000), true),
            ("LOCALHOST:3000", Some(3000), true),
            ("[::1]:3000", Some(3000), true),
            ("127.0.0.1:5173", None, true),
            ("127.0.0.1:3001", Some(3000), false),
            ("127.0.0.1", Some(3000), false),
            ("evil.example:3000", Some(3000), false),
            ("127.0.0.1.evil.example:3000", Some(3000), false),
            ("localhost.:3000", Some(3000), false),
            ("[::1]", Some(3000), false),
            ("0.0.0.0:3000", Some(3000), false),
            ("", Some(3000), false),
        ] {
            assert_eq!(is_loopback_host(host, port), ok, "{host} on {port:?}");
        }
    }

    #[test]
    fn the_policy_allows_only_the_issuer_beyond_the_origin() {
        let csp = content_security_policy(Some("https://id.example.org/realms/x"));
        assert!(csp.contains("connect-src 'self' https://id.example.org;"), "{csp}");
        assert!(csp.contains("script-src 'self';"));
    }
}
