//! Logs at the most verbose level, captured while a whole workflow runs: spans name the district and
//! the transfer, and no line carries a code, the code's salt or MAC, a student's name or birth date,
//! or case contents; even with the SDK asked to log what it signs (`LOG_SIGNABLE_BODY=true`).

use e2e::fixture::SOUTH;
use e2e::spawn_app;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_line_carries_a_code_a_student_or_case_contents() {
    // This test binary has this one test, so it may set the process-wide level and subscriber.
    std::env::set_var("RUST_LOG", "trace");
    // aws_sigv4 then writes each request it signs, body and all, at trace level.
    std::env::set_var("LOG_SIGNABLE_BODY", "true");
    let capture = Capture::default();
    shared::telemetry::init_with(capture.clone());

    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    assert_eq!(app.verify("u-sue", &id, "WRONG-CODE1").await.status, 422);
    assert_eq!(app.verify("u-sue", &id, &code).await.status, 200);
    let decisions = json!([
        {"sourceCaseId": "c-n1", "link": {"type": "sis", "studentId": "s-100"}},
        {"sourceCaseId": "c-n2", "link": {"type": "transfer_info"}}
    ]);
    assert_eq!(app.accept("u-sue", &id, &code, decisions).await.status, 200);
    let (other, _) = app.sent("u-ann", &["c-n3"], SOUTH).await;
    assert_eq!(app.reject("u-sue", &other, Some("Reyes family moved again")).await.status, 200);
    assert_eq!(app.case("u-ann", "c-n1").await.status, 200);
    assert_eq!(
        app.request("POST", Some("u-ann"), "/v1/transfers", Some(json!({"caseIds": "Jordan"})), &[]).await.status,
        400
    );

    let stored = app
        .app
        .store
        .client()
        .get_item()
        .table_name(app.app.store.table_name())
        .set_key(Some(shared::store::keys::transfer(&shared::domain::TransferId::parse(&id).unwrap())))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let hash = stored["code"].as_m().unwrap();
    let (salt, mac) = (hash["salt"].as_s().unwrap().clone(), hash["mac"].as_s().unwrap().clone());

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.lines().count() > 8, "{logs}");
    assert!(logs.contains(&id), "spans carry the transfer id");
    assert!(logs.contains(r#""district":"d-south""#), "spans carry the district");
    assert!(logs.contains("request_id"), "spans carry the request id");
    for forbidden in [
        code.as_str(),
        &code.replace('-', ""),
        "Jordan",
        "Reyes",
        "Student1",
        "Student2",
        "2011-03-14",
        "Entry 1 of case",
        "Family moved; please call our team.",
        "Reyes family moved again",
        &salt,
        &mac,
    ] {
        // As text, and as a logger prints raw bytes (aws_sigv4 writes a body as `[82, 101, 121, ...]`).
        let as_bytes = format!("{:?}", forbidden.as_bytes());
        let as_bytes = as_bytes.trim_start_matches('[').trim_end_matches(']');
        let line = logs.lines().find(|l| l.contains(forbidden) || l.contains(as_bytes));
        assert!(line.is_none(), "{forbidden:?} reached a log line: {:.300}", line.unwrap_or_default());
    }
}
