//! Records requests, measured: `cargo bench -p e2e --bench records`. Prints, in one run:
//!
//! 1. creating a request through the local API (p50, p95 and DynamoDB calls over 50);
//! 2. listing 1,000 open incoming requests a page (100) at a time: time and calls per page;
//! 3. the reminder sweep over a district with 10,000 open requests (`RECORDS_OPEN` to change it) of
//!    which 10 are due: its time and DynamoDB calls, which follow the 10, not the 10,000.
//!
//! Against Dynoxide on this machine: the numbers compare designs, they are not AWS's.

use chrono::Duration as Days;
use e2e::{spawn_app_with, TestApp};
use futures::stream::{self, StreamExt};
use serde_json::json;
use shared::domain::record_request::{RecordRequest, RequestEvent, RequestEventType, StudentAsKnown};
use shared::domain::request_notice::RequestMessage;
use shared::domain::{DistrictId, EventActor, Timestamp, UserId, UserRef};
use shared::mail::Mailer;
use std::time::{Duration, Instant};

const CREATES: usize = 50;
const DUE: usize = 10;

fn percentile(times: &mut [Duration], q: f64) -> f64 {
    times.sort();
    times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0
}

/// Writes `n` open requests from South to North directly through the store (as the create route does,
/// without its HTTP), received `at`.
async fn seed(app: &TestApp, n: usize, at: Timestamp) {
    let id = |d: &str| DistrictId::parse(d).expect("an id");
    let (south, north) = (app.app.store.district(&id("d-south")).await, app.app.store.district(&id("d-north")).await);
    let (south, north) = (south.unwrap().unwrap().district, north.unwrap().unwrap().district);
    let by = UserRef { id: UserId::parse("u-sam").expect("an id"), name: "Sam South".into() };
    let actor = EventActor { id: "u-sam".into(), name: "Sam South".into(), district_id: "d-south".into() };
    stream::iter(0..n)
        .map(|i| {
            let (south, north, by, actor) = (&south, &north, by.clone(), actor.clone());
            async move {
                let student = StudentAsKnown {
                    first_name: "Bench".into(),
                    last_name: format!("Student{i}"),
                    date_of_birth: None,
                    state_student_id: None,
                    former_school: None,
                };
                let r = RecordRequest::new(south, by, north, &[], student, None, None, at);
                let event = RequestEvent { at, kind: RequestEventType::Created, actor: actor.clone(), detail: None };
                let message = RequestMessage::new(&r, RequestEventType::Created, actor, at);
                app.app.store.create_record_request(&r, &event, &message, None).await.expect("seeded");
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
}

#[tokio::main]
async fn main() {
    let open: usize = std::env::var("RECORDS_OPEN").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let data = json!({
        "districts": [{"id": "d-north", "name": "North", "transfersEnabled": true, "recordsRule": {"preset": "TX"}},
                      {"id": "d-south", "name": "South", "transfersEnabled": true}],
        "users": [{"id": "u-sam", "districtId": "d-south", "name": "Sam South", "email": "sam@south.example", "permissions": ["manage_cases"]},
                  {"id": "u-ann", "districtId": "d-north", "name": "Ann North", "email": "ann@north.example", "permissions": ["manage_cases"]}]
    });
    let app = spawn_app_with(Mailer::local(), data).await;
    app.auto_deliver.store(false, std::sync::atomic::Ordering::SeqCst);

    // 1. Creating a request.
    let (mut times, mut calls) = (Vec::new(), Vec::new());
    for i in 0..CREATES {
        let body = json!({"recipientDistrictId": "d-north", "student": {"firstName": "Bench", "lastName": format!("Made{i}")}});
        app.dynamodb_calls.take();
        let start = Instant::now();
        let r = app.post("u-sam", "/v1/record-requests", body).await;
        times.push(start.elapsed());
        calls.push(app.dynamodb_calls.take());
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let mean_calls = calls.iter().sum::<usize>() as f64 / calls.len() as f64;
    println!("| operation | p50 ms | p95 ms | DynamoDB calls |\n|---|---|---|---|");
    println!(
        "| POST /v1/record-requests ({CREATES}) | {:.1} | {:.1} | {mean_calls:.1} |",
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.95)
    );

    // The district's open requests: all but `DUE` due weeks from now, `DUE` received long ago.
    let started = Instant::now();
    seed(&app, open.saturating_sub(DUE + CREATES), Timestamp::now()).await;
    seed(&app, DUE, Timestamp::now() - Days::days(60)).await;
    println!("\n(seeded {open} open requests in {:.1} s)", started.elapsed().as_secs_f64());

    // 2. Listing 1,000 of them, a page of 100 at a time.
    let (mut times, mut calls, mut cursor, mut listed) = (Vec::new(), Vec::new(), String::new(), 0);
    while listed < 1_000 {
        let path = format!("/v1/record-requests?direction=incoming&status=open&limit=100{cursor}");
        app.dynamodb_calls.take();
        let start = Instant::now();
        let r = app.get("u-ann", &path).await;
        times.push(start.elapsed());
        calls.push(app.dynamodb_calls.take());
        listed += r.body["items"].as_array().expect("items").len();
        match r.body["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let mean_calls = calls.iter().sum::<usize>() as f64 / calls.len() as f64;
    println!(
        "| GET /v1/record-requests, a page of 100 ({} pages, {listed} requests) | {:.1} | {:.1} | {mean_calls:.1} |",
        times.len(),
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.95)
    );

    // 3. The reminder sweep: the due ones only.
    app.dynamodb_calls.take();
    let start = Instant::now();
    let sent = shared::ops::reminders::remind(&app.app).await.expect("sweep");
    let (elapsed, calls) = (start.elapsed(), app.dynamodb_calls.take());
    println!(
        "| reminder sweep over {open} open requests, {DUE} due | {:.1} (once) | | {calls} |",
        elapsed.as_secs_f64() * 1000.0
    );
    println!("\nreminders sent: {sent} (expected {DUE}); calls: 1 query + 1 transaction per reminder = {}", 1 + DUE);
    assert_eq!(sent, DUE);
    assert!(calls <= 1 + DUE + 1, "the sweep read more than the due requests: {calls} calls");
}
