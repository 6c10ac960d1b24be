//! `spawn_app()` gives each test its own DynamoDB (an in-memory Dynoxide reached over HTTP by the real
//! AWS SDK) and its own local API on a free port; `TestApp`'s methods are what a district user does.

pub mod faults;
pub mod fixture;
pub mod moto;
pub mod ses_proxy;
mod support;

pub use support::{config, token_with, CallCounter, Reply};

use portal::stream::{Start, StreamConsumer, Target};
use serde_json::{json, Value};
use shared::mail::Mailer;
use shared::App;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub const JWT_SECRET: &str = "test-jwt-secret";

/// Every request a test makes is answered first; then, unless `auto_deliver` is off, what its commit
/// wrote to the table's stream is delivered (`deliver()`), so a test reads the notices and mail a
/// change caused right after it. A test of the asynchrony itself turns it off and runs the consumer
/// in the background, as `portal serve` does.
pub struct TestApp {
    pub base: String,
    pub dynamodb_calls: CallCounter,
    pub app: App,
    pub http: reqwest::Client,
    pub dynamodb_url: String,
    tokens: HashMap<String, String>,
    pub stream: Arc<StreamConsumer>,
    pub auto_deliver: AtomicBool,
}

use test_support::sdk_with;
pub use test_support::{dynamodb, sdk};

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Mailer::local(), fixture::standard()).await
}

pub async fn spawn_app_with(mailer: Mailer, data: Value) -> TestApp {
    spawn_app_from_files(mailer, vec![data]).await
}

/// An app whose table was filled by importing each file in turn, as districts are onboarded one
/// import file at a time.
pub async fn spawn_app_from_files(mailer: Mailer, files: Vec<Value>) -> TestApp {
    spawn(mailer, files, None, None).await.0
}

/// An app whose administration follows a Cognito user pool (moto's, in the tests).
pub async fn spawn_app_with_pool(data: Value, pool: shared::user_pool::UserPool) -> TestApp {
    spawn(Mailer::local(), vec![data], None, Some(pool)).await.0
}

/// The standard app with faults on demand: its DynamoDB behind a switch, and an operation that can
/// be made to fail. The SDK retries once, quickly, so a test of an outage does not wait on backoff.
pub async fn spawn_app_with_faults() -> (TestApp, faults::EngineSwitch, faults::FailingOperation) {
    let failing = faults::FailingOperation::default();
    let (app, switch) = spawn(Mailer::local(), vec![fixture::standard()], Some(failing.clone()), None).await;
    (app, switch.expect("a switch"), failing)
}

async fn spawn(
    mailer: Mailer,
    files: Vec<Value>,
    failing: Option<faults::FailingOperation>,
    pool: Option<shared::user_pool::UserPool>,
) -> (TestApp, Option<faults::EngineSwitch>) {
    let mut dynamodb_url = dynamodb().await;
    let mut switch = None;
    let sdk = if failing.is_some() {
        let (url, s) = faults::EngineSwitch::in_front_of(&dynamodb_url).await;
        (dynamodb_url, switch) = (url, Some(s));
        let quick = aws_config::retry::RetryConfig::standard()
            .with_max_attempts(2)
            .with_initial_backoff(std::time::Duration::from_millis(10));
        sdk_with(&dynamodb_url, quick).await
    } else {
        sdk(&dynamodb_url).await
    };
    let dynamodb_calls = CallCounter::default();
    let mut db = aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(dynamodb_calls.clone());
    if let Some(f) = failing {
        db = db.interceptor(f);
    }
    let db = aws_sdk_dynamodb::Client::from_conf(db.build());
    let mut app = App::with_clients(config(), db, mailer);
    app.users = pool;
    shared::store::table::create_table(app.store.client(), app.store.table_name()).await.expect("table");
    for data in &files {
        match portal::import::run(&app.store, &data.to_string()).await.expect("import") {
            portal::import::ImportOutcome::Imported(_) => {}
            portal::import::ImportOutcome::Rejected(p) => panic!("fixture rejected: {p:?}"),
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("bound"));
    let router = portal::serve::router(portal::serve::Local::new(app.clone(), JWT_SECRET));
    tokio::spawn(async move { axum_serve(listener, router).await });
    let users = files.iter().flat_map(|data| shared::domain::import::parse(&data.to_string()).expect("parses").users);
    // Each user by `id@district`, and by `id` alone too (where districts share an id, the later wins:
    // tests of such files name the district).
    let mut tokens = HashMap::new();
    for u in &users.collect::<Vec<_>>() {
        let token = portal::token::mint(JWT_SECRET, u, &config(), chrono::Duration::hours(1)).expect("token");
        tokens.insert(format!("{}@{}", u.id, u.district_id), token.clone());
        tokens.insert(u.id.to_string(), token);
    }
    let stream = Arc::new(stream_consumer(&app, &sdk));
    dynamodb_calls.take();
    let auto_deliver = AtomicBool::new(true);
    (
        TestApp { base, app, http: reqwest::Client::new(), dynamodb_url, tokens, dynamodb_calls, stream, auto_deliver },
        switch,
    )
}

/// The table's stream to the `deliver` handler, as `portal serve` reads it; on its own DynamoDB client,
/// so that `dynamodb_calls` counts only what requests do.
fn stream_consumer(app: &App, sdk: &aws_config::SdkConfig) -> StreamConsumer {
    let db = aws_sdk_dynamodb::Client::new(sdk);
    let mut deliverer = app.clone();
    deliverer.store = app.store.with_client(db.clone());
    let streams = aws_sdk_dynamodbstreams::Client::new(sdk);
    StreamConsumer::new(db, streams, app.store.table_name(), Target::InProcess(Box::new(deliverer)), Start::TrimHorizon)
}

/// Served as `portal serve` serves it: every connection through the front door first.
async fn axum_serve(listener: tokio::net::TcpListener, router: axum_router::Router) {
    let door = portal::front_door::FrontDoor::new(listener).expect("a bound listener");
    let _ = axum_router::serve(door, router).await;
}

/// Re-exported so the helpers need no direct axum dependency of their own.
mod axum_router {
    pub use portal::serve::axum_reexport::{serve, Router};
}

impl TestApp {
    /// Delivers what the table's stream holds now: one pass of the consumer.
    pub async fn deliver(&self) -> Result<portal::stream::Pass, String> {
        self.stream.drain().await
    }

    /// The number the portal gives the `seq`-th case of a district's sequence now: the year comes from
    /// the app's own clock, never a literal, so the tests pass in any year.
    pub fn case_number(&self, seq: u64) -> String {
        format!("{}-{seq:04}", self.app.clock.now().0.format("%Y"))
    }

    pub fn token(&self, user: &str) -> &str {
        self.tokens.get(user).map(String::as_str).unwrap_or("no-such-user")
    }

    pub async fn request(
        &self,
        method: &str,
        user: Option<&str>,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let headers: Vec<(&str, &[u8])> = headers.iter().map(|(k, v)| (*k, v.as_bytes())).collect();
        self.request_raw(method, user, path, body.map(|b| b.to_string().into_bytes()), &headers).await
    }

    /// A request with any bytes as its body (not UTF-8, too large, not JSON) and any header values.
    pub async fn request_raw(
        &self,
        method: &str,
        user: Option<&str>,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &[u8])],
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self.http.request(method.clone(), format!("{}{}", self.base, path));
        if let Some(u) = user {
            req = req.bearer_auth(self.token(u));
        }
        for (k, v) in headers {
            req = req.header(*k, reqwest::header::HeaderValue::from_bytes(v).expect("a header value"));
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let resp = req.send().await.expect("the local API answers");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        // Every answer of the API, whatever it is: never cached, never sniffed (issue 16).
        if path.starts_with("/v1/") {
            assert_eq!(headers.get("cache-control").map(|v| v.as_bytes()), Some(&b"no-store"[..]), "{path}");
            assert_eq!(headers.get("x-content-type-options").map(|v| v.as_bytes()), Some(&b"nosniff"[..]), "{path}");
        }
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let text = resp.text().await.expect("body");
        if method != reqwest::Method::GET && self.auto_deliver.load(Ordering::Relaxed) {
            // A stopped DynamoDB (the fault tests) fails the pass; the next one catches up.
            let _ = self.deliver().await;
        }
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, content_type, body, headers }
    }

    pub async fn get(&self, user: &str, path: &str) -> Reply {
        self.request("GET", Some(user), path, None, &[]).await
    }

    pub async fn post(&self, user: &str, path: &str, body: Value) -> Reply {
        self.request("POST", Some(user), path, Some(body), &[]).await
    }

    pub async fn put(&self, user: &str, path: &str, body: Value) -> Reply {
        self.request("PUT", Some(user), path, Some(body), &[]).await
    }

    pub async fn set_transfers(&self, user: &str, enabled: bool) -> Reply {
        self.put(user, "/v1/settings/transfers", json!({ "enabled": enabled })).await
    }

    /// Sends cases to a district; returns the reply (201 with `transfer` and `authCode`).
    pub async fn send(&self, user: &str, cases: &[&str], to: &str) -> Reply {
        self.post(
            user,
            "/v1/transfers",
            json!({ "destinationDistrictId": to, "caseIds": cases, "notes": "Family moved; please call our team." }),
        )
        .await
    }

    /// Sends and returns `(transfer id, code)`, asserting it worked.
    pub async fn sent(&self, user: &str, cases: &[&str], to: &str) -> (String, String) {
        let r = self.send(user, cases, to).await;
        assert_eq!(r.status, 201, "send failed: {:?}", r.body);
        (r.body["transfer"]["id"].as_str().unwrap().to_owned(), r.body["authCode"].as_str().unwrap().to_owned())
    }

    /// A send of `body` with an `Idempotency-Key`.
    pub async fn send_with_key(&self, user: &str, body: Value, key: &str) -> Reply {
        self.request("POST", Some(user), "/v1/transfers", Some(body), &[("idempotency-key", key)]).await
    }

    pub async fn verify(&self, user: &str, transfer: &str, code: &str) -> Reply {
        self.post(user, &format!("/v1/transfers/{transfer}/verify"), json!({ "authCode": code })).await
    }

    /// Accepts with `transfer_info` for every case unless `links` says otherwise.
    pub async fn accept(&self, user: &str, transfer: &str, code: &str, decisions: Value) -> Reply {
        self.post(
            user,
            &format!("/v1/transfers/{transfer}/accept"),
            json!({ "authCode": code, "decisions": decisions }),
        )
        .await
    }

    pub async fn accept_all(&self, user: &str, transfer: &str, code: &str, cases: &[&str]) -> Reply {
        let decisions: Vec<Value> =
            cases.iter().map(|c| json!({ "sourceCaseId": c, "link": { "type": "transfer_info" } })).collect();
        self.accept(user, transfer, code, Value::Array(decisions)).await
    }

    pub async fn reject(&self, user: &str, transfer: &str, reason: Option<&str>) -> Reply {
        self.post(user, &format!("/v1/transfers/{transfer}/reject"), json!({ "reason": reason })).await
    }

    pub async fn cancel(&self, user: &str, transfer: &str, reason: Option<&str>) -> Reply {
        self.post(user, &format!("/v1/transfers/{transfer}/cancel"), json!({ "reason": reason })).await
    }

    pub async fn transfer(&self, user: &str, transfer: &str) -> Reply {
        self.get(user, &format!("/v1/transfers/{transfer}")).await
    }

    pub async fn case(&self, user: &str, case: &str) -> Reply {
        self.get(user, &format!("/v1/cases/{case}")).await
    }

    /// Every entry of a history route (`/v1/cases/{id}/entries` or a transfer's case entries), page
    /// after page, asserting each page is a 200 and that the pages hand over exactly.
    pub async fn all_entries(&self, user: &str, path: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let mut cursor = String::new();
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let r = self.get(user, &format!("{path}{sep}cursor={cursor}")).await;
            assert_eq!(r.status, 200, "{path}: {:?}", r.body);
            all.extend(r.body["items"].as_array().expect("items").iter().cloned());
            match r.body["nextCursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => return all,
            }
        }
    }

    /// A case's whole history, as its owner pages it.
    pub async fn history(&self, user: &str, case: &str) -> Vec<Value> {
        self.all_entries(user, &format!("/v1/cases/{case}/entries")).await
    }

    /// Every item of the table, for tests that compare whole-table states (never a request path).
    pub async fn all_items(&self) -> Vec<String> {
        let client = self.app.store.client();
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = client
                .scan()
                .table_name(self.app.store.table_name())
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .expect("scan");
            for item in page.items.unwrap_or_default() {
                let value: Value = serde_dynamo::from_item(item).expect("an item reads as JSON");
                out.push(value.to_string());
            }
            match page.last_evaluated_key {
                Some(k) => start = Some(k),
                None => break,
            }
        }
        out.sort();
        out
    }
}
