//! Notifications off the request path, measured: `cargo bench -p e2e --bench notify` (moto from
//! `./scripts/venv.sh`). Prints, in one run:
//!
//! 1. send and accept latency (p50, p95 over 50 of each) through the release function binaries, one
//!    process per call as in Lambda, with SES healthy (moto), answering only after 3 s, refusing
//!    connections, and with no mail configured: the request path never talks to SES, so the four
//!    agree;
//! 2. the time from a send's answer to the in-app notice and to the email, with the table's stream read
//!    as `portal serve` reads it (every 200 ms), for each of those SES states;
//! 3. a district with 200 Manage Cases users: one send, all 200 told, the send no slower than with 2.
//!
//! Against Dynoxide on this machine: the numbers compare designs, they are not AWS's.

#[path = "scale/function.rs"]
mod function;
// Shared with the scale benchmark, which reads every field of an invocation.
#[allow(dead_code)]
#[path = "scale/runtime.rs"]
mod runtime;

use e2e::ses_proxy::SesProxy;
use e2e::{spawn_app_with, TestApp};
use function::{binary, event};
use portal::stream::{Start, StreamConsumer, Target};
use runtime::invoke;
use serde_json::{json, Value};
use shared::mail::Mailer;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUNS: usize = 50;
/// As `portal serve` reads the stream.
const POLL: Duration = Duration::from_millis(200);

fn data(managers: usize) -> Value {
    let cases: Vec<Value> = (1..=RUNS + 10)
        .map(|i| {
            json!({"id": format!("c-{i}"), "districtId": "d-north", "caseNumber": format!("2026-{i:04}"),
                   "personOfConcern": {"firstName": "Bench", "lastName": format!("Case{i}")},
                   "building": "North High", "teamName": "North BTAM", "teamLeader": "Priya Raman",
                   "caseManager": "Marcus Bell", "status": "open", "openedAt": "2026-01-01T00:00:00Z"})
        })
        .collect();
    let mut users = vec![json!({"id": "u-sam", "districtId": "d-south", "name": "Sam South",
                                "email": "sam@south.example", "permissions": ["manage_cases"]})];
    for i in 0..managers {
        users.push(json!({"id": format!("u-n{i}"), "districtId": "d-north", "name": format!("North {i}"),
                          "email": format!("n{i}@north.example"), "permissions": ["manage_cases"]}));
    }
    json!({
        "districts": [{"id": "d-north", "name": "North", "transfersEnabled": true},
                      {"id": "d-south", "name": "South", "transfersEnabled": true}],
        "users": users,
        "cases": cases
    })
}

fn env(app: &TestApp, ses: Option<&str>) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "bench".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "bench".to_owned()),
        ("AWS_ENDPOINT_URL_DYNAMODB", app.dynamodb_url.clone()),
        ("AWS_LAMBDA_FUNCTION_NAME", "bench".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "1".to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
        ("TABLE_NAME", app.app.store.table_name().to_owned()),
        ("AUTH_CODE_SECRET", "bench-secret-bench-secret-bench-secret".to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ];
    if let Some(url) = ses {
        env.push(("AWS_ENDPOINT_URL_SESV2", url.to_owned()));
        env.push(("MAIL_FROM", e2e::moto::FROM.to_owned()));
    }
    env
}

/// The app, and its stream's consumer handing batches to the deliver handler, which mails through
/// `mailer`; the consumer reads in the background once `spawn`ed.
async fn streaming_app(managers: usize, mailer: Mailer) -> (TestApp, Arc<StreamConsumer>) {
    let app = spawn_app_with(Mailer::local(), data(managers)).await;
    app.auto_deliver.store(false, Ordering::SeqCst);
    let sdk = e2e::sdk(&app.dynamodb_url).await;
    let mut deliverer = app.app.clone();
    deliverer.mailer = mailer;
    let db = aws_sdk_dynamodb::Client::new(&sdk);
    deliverer.store = app.app.store.with_client(db.clone());
    let streams = aws_sdk_dynamodbstreams::Client::new(&sdk);
    let table = app.app.store.table_name().to_owned();
    let consumer =
        Arc::new(StreamConsumer::new(db, streams, table, Target::InProcess(Box::new(deliverer)), Start::TrimHorizon));
    (app, consumer)
}

fn ms(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let p = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    (p(0.5), p(0.95))
}

/// The release binaries, built once before anything is measured.
static BINARIES: std::sync::LazyLock<(std::path::PathBuf, std::path::PathBuf)> =
    std::sync::LazyLock::new(|| (binary("send"), binary("accept")));

async fn send(env: &[(&str, String)], case: &str) -> (String, String, Duration) {
    let body = json!({"destinationDistrictId": "d-south", "caseIds": [case]});
    let ev = event("POST /v1/transfers", "/v1/transfers", json!({}), "", Some(body), "u-n0", "d-north");
    let r = invoke(&BINARIES.0, env, ev).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    (r.body["transfer"]["id"].as_str().unwrap().to_owned(), r.body["authCode"].as_str().unwrap().to_owned(), r.elapsed)
}

async fn accept(env: &[(&str, String)], id: &str, code: &str, case: &str) -> Duration {
    let body = json!({"authCode": code, "decisions": [{"sourceCaseId": case, "link": {"type": "transfer_info"}}]});
    let path = format!("/v1/transfers/{id}/accept");
    let ev = event("POST /v1/transfers/{id}/accept", &path, json!({"id": id}), "", Some(body), "u-sam", "d-south");
    let r = invoke(&BINARIES.1, env, ev).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.elapsed
}

/// How many in-app notices a user of North has (all unread: nobody reads them here).
async fn notices(app: &TestApp, user: &str) -> usize {
    let (d, u) = (shared::domain::DistrictId::parse("d-north").unwrap(), shared::domain::UserId::parse(user).unwrap());
    app.app.store.unread_count(&d, &u).await.unwrap_or(0) as usize
}

async fn until(limit: Duration, mut done: impl AsyncFnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if done().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    rt.block_on(async {
        // The binaries first, so no build lands inside a measurement.
        std::sync::LazyLock::force(&BINARIES);
        let moto = e2e::moto::Moto::start().await;
        let healthy = moto.mailer().await; // verifies the sender in moto, for the slow proxy too
        let slow = SesProxy::slow(&moto.url, Duration::from_secs(3)).await;
        let refusing = "http://127.0.0.1:9".to_owned();
        // (name, the SES endpoint the functions get, the deliverer's mailer, where its mail is counted)
        let scenarios: Vec<(&str, Option<String>, Mailer, Option<&str>)> = vec![
            ("SES healthy (moto)", Some(moto.url.clone()), healthy, Some("moto")),
            ("SES answering after 3 s", Some(slow.url.clone()), slow.mailer().await, Some("moto")),
            ("SES refusing connections", Some(refusing.clone()), SesProxy::refusing().await.mailer().await, None),
            ("no mail configured", None, Mailer::local(), Some("local")),
        ];
        // Each scenario on a table of its own, the runs taken in turn (one pair of each scenario, then
        // the next), so that a drift of the machine weighs on all four alike. Nothing delivers
        // meanwhile: on this machine the deliverer, Dynoxide (one SQLite file) and the function would
        // share two cores, which in AWS they do not. Five unmeasured rounds first.
        let mut tables = Vec::new();
        for (_, ses, mailer, _) in &scenarios {
            let (app, _) = streaming_app(2, mailer.clone()).await;
            let env = env(&app, ses.as_deref());
            tables.push((app, env, Vec::new(), Vec::new()));
        }
        for i in 1..=RUNS + 5 {
            let case = format!("c-{i}");
            for (_, env, sends, accepts) in tables.iter_mut() {
                let (id, code, took) = send(env, &case).await;
                let accepted = accept(env, &id, &code, &case).await;
                if i > 5 {
                    sends.push(took);
                    accepts.push(accepted);
                }
            }
        }
        println!("\n## Send and accept through the release binaries, {RUNS} of each (ms)\n");
        println!("| SES | send p50 | send p95 | accept p50 | accept p95 | send answer -> in-app notice | -> email |");
        println!("|---|---|---|---|---|---|---|");
        let mut p50s = Vec::new();
        for ((name, ses, mailer, counted), (_, _, sends, accepts)) in scenarios.into_iter().zip(tables) {
            // One send on a table of its own whose stream is read as `portal serve` reads it: from its
            // answer to the first in-app notice and to the first email.
            let outbox = mailer.clone();
            let (app, consumer) = streaming_app(2, mailer).await;
            consumer.spawn(POLL);
            let env = env(&app, ses.as_deref());
            let mails_before = sent_count(&moto, &outbox, counted).await;
            send(&env, "c-1").await;
            let answered = Instant::now();
            let notice = until(Duration::from_secs(30), async || notices(&app, "u-n0").await > 0).await;
            let email = match counted {
                Some(_) => {
                    until(Duration::from_secs(30), async || sent_count(&moto, &outbox, counted).await > mails_before)
                        .await
                        .map(|_| answered.elapsed())
                }
                None => None,
            };
            let (s50, s95) = ms(sends);
            let (a50, a95) = ms(accepts);
            p50s.push((s50, a50));
            let show = |d: Option<Duration>| {
                d.map_or("not sent (retried by the schedule)".into(), |d| format!("{:.0} ms", d.as_secs_f64() * 1000.0))
            };
            println!("| {name} | {s50:.1} | {s95:.1} | {a50:.1} | {a95:.1} | {} | {} |", show(notice), show(email));
        }
        let spread = |f: fn(&(f64, f64)) -> f64| {
            let v: Vec<f64> = p50s.iter().map(f).collect();
            let (lo, hi) = (v.iter().cloned().fold(f64::MAX, f64::min), v.iter().cloned().fold(0.0, f64::max));
            (hi - lo) / lo * 100.0
        };
        println!("\np50 spread across the four: send {:.1} %, accept {:.1} %", spread(|p| p.0), spread(|p| p.1));

        println!("\n## A district with 200 Manage Cases users: 10 sends, then their notices (ms)\n");
        println!("| managers | send p50 | send p95 | all told after | in-app notices | emails |");
        println!("|---|---|---|---|---|---|");
        for managers in [2usize, 200] {
            let outbox = Mailer::local();
            let (app, consumer) = streaming_app(managers, outbox.clone()).await;
            let env = env(&app, None);
            let mut sends = Vec::new();
            for i in 1..=10 {
                sends.push(send(&env, &format!("c-{i}")).await.2);
            }
            // The requests are done; the stream then tells everyone.
            let started = Instant::now();
            consumer.spawn(POLL);
            let last = format!("u-n{}", managers - 1);
            until(Duration::from_secs(120), async || notices(&app, &last).await >= 10).await.expect("all told");
            let told = started.elapsed();
            let mails = 10 * (managers + 1);
            until(Duration::from_secs(120), async || outbox.local_mail().len() >= mails).await.expect("mailed");
            let mut total = 0;
            for m in 0..managers {
                total += notices(&app, &format!("u-n{m}")).await;
            }
            let (s50, s95) = ms(sends);
            println!(
                "| {managers} | {s50:.1} | {s95:.1} | {:.0} ms for all 10 | {total} ({} each) | {} |",
                told.as_secs_f64() * 1000.0,
                total / managers,
                outbox.local_mail().len()
            );
        }
    });
}

async fn sent_count(moto: &e2e::moto::Moto, outbox: &Mailer, kind: Option<&str>) -> usize {
    match kind {
        Some("moto") => moto.sent().await.len(),
        Some(_) => outbox.local_mail().len(),
        None => 0,
    }
}
