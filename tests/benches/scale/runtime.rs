//! A Lambda Runtime API on 127.0.0.1 that hands one event to a function binary and takes its answer,
//! so the release binary runs exactly as in Lambda, one process per invocation. Its peak memory is
//! its own `VmHWM` (`/proc/PID/status`), read while it still runs, after it answered.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

pub struct Invoked {
    /// The HTTP status the function answered, and its body as the client gets it.
    pub status: u16,
    pub body: Value,
    pub body_bytes: usize,
    /// From the function taking the event to its answer.
    pub elapsed: Duration,
    pub peak_rss_mib: f64,
}

#[derive(Default)]
struct Runtime {
    event: Mutex<Option<Value>>,
    served_at: Mutex<Option<Instant>>,
    answer: Mutex<Option<oneshot::Sender<String>>>,
}

async fn next(State(rt): State<Arc<Runtime>>) -> (StatusCode, HeaderMap, String) {
    let Some(event) = rt.event.lock().expect("not poisoned").take() else {
        // The function polls again after answering: hold it until it is killed.
        std::future::pending::<()>().await;
        unreachable!()
    };
    *rt.served_at.lock().expect("not poisoned") = Some(Instant::now());
    let mut headers = HeaderMap::new();
    let deadline = chrono::Utc::now().timestamp_millis() + 60_000;
    headers.insert("lambda-runtime-aws-request-id", "bench-1".parse().expect("a header"));
    headers.insert("lambda-runtime-deadline-ms", deadline.to_string().parse().expect("a header"));
    let arn = "arn:aws:lambda:us-east-1:000000000000:function:bench";
    headers.insert("lambda-runtime-invoked-function-arn", arn.parse().expect("a header"));
    (StatusCode::OK, headers, event.to_string())
}

async fn answer(State(rt): State<Arc<Runtime>>, body: String) -> StatusCode {
    if let Some(tx) = rt.answer.lock().expect("not poisoned").take() {
        let _ = tx.send(body);
    }
    StatusCode::ACCEPTED
}

/// Runs `binary` for one `event` with `env`, and reports what it answered and what it took.
pub async fn invoke(binary: &Path, env: &[(&str, String)], event: Value) -> Invoked {
    let (tx, rx) = oneshot::channel();
    let rt = Arc::new(Runtime { event: Mutex::new(Some(event)), answer: Mutex::new(Some(tx)), ..Default::default() });
    let router = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/response", post(answer))
        .route("/2018-06-01/runtime/invocation/{id}/error", post(answer))
        .route("/2018-06-01/runtime/init/error", post(answer))
        .with_state(rt.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let api = listener.local_addr().expect("bound").to_string();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let mut child = std::process::Command::new(binary)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", api)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the function starts");
    let raw = tokio::time::timeout(Duration::from_secs(60), rx).await.expect("answered in 60 s").expect("an answer");
    let answered = Instant::now();
    let peak_rss_mib = vm_hwm_mib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    server.abort();
    let served_at = rt.served_at.lock().expect("not poisoned").expect("the event was taken");
    let response: Value = serde_json::from_str(&raw).expect("a JSON answer");
    let text = response["body"].as_str().unwrap_or_default();
    Invoked {
        status: response["statusCode"].as_u64().unwrap_or(0) as u16,
        body: serde_json::from_str(text).unwrap_or(Value::Null),
        body_bytes: text.len(),
        elapsed: answered - served_at,
        peak_rss_mib,
    }
}

fn vm_hwm_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the process's status");
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok())
        .expect("VmHWM");
    kib / 1024.0
}
