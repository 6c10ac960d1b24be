//! Per-operation latency and DynamoDB calls, through the local API against Dynoxide (in-process,
//! SQLite in memory). Prints a table; run with `cargo bench -p e2e --bench operations`.
//! The numbers are for comparing changes on one machine, not a promise about AWS latency.

use e2e::{spawn_app_with, TestApp};
use serde_json::json;
use std::time::{Duration, Instant};

const ROUNDS: usize = 40;

struct Sample {
    name: &'static str,
    times: Vec<Duration>,
    calls: Vec<usize>,
}

impl Sample {
    fn row(&mut self) -> String {
        self.times.sort();
        let p = |q: f64| self.times[((self.times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
        let calls = self.calls.iter().sum::<usize>() as f64 / self.calls.len() as f64;
        format!("| {:<34} | {:>7.2} | {:>7.2} | {:>6.1} |", self.name, p(0.5), p(0.95), calls)
    }
}

async fn measure<F, Fut>(app: &TestApp, samples: &mut Vec<Sample>, name: &'static str, f: F)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = e2e::Reply>,
{
    app.dynamodb_calls.take();
    let start = Instant::now();
    let reply = f().await;
    let elapsed = start.elapsed();
    assert!(reply.status < 300, "{name}: {:?}", reply.body);
    let calls = app.dynamodb_calls.take();
    match samples.iter_mut().find(|s| s.name == name) {
        Some(s) => {
            s.times.push(elapsed);
            s.calls.push(calls);
        }
        None => samples.push(Sample { name, times: vec![elapsed], calls: vec![calls] }),
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let app = spawn_app_with(shared::mail::Mailer::local(), serde_json::from_str(portal::DEMO).unwrap()).await;
        let mut samples = Vec::new();
        for round in 0..ROUNDS {
            let a = &app;
            measure(a, &mut samples, "GET /v1/settings/transfers", || a.get("u-alice", "/v1/settings/transfers")).await;
            measure(a, &mut samples, "GET /v1/districts", || a.get("u-alice", "/v1/districts?transfersEnabled=true"))
                .await;
            measure(a, &mut samples, "GET /v1/cases?q=", || a.get("u-alice", "/v1/cases?q=lincoln")).await;
            // c-2 has 1,200 entries: the heavy case, each round.
            measure(a, &mut samples, "GET /v1/cases/{id} (1,200 entries)", || a.case("u-alice", "c-2")).await;
            let cases = ["c-2", "c-3", "c-4"];
            let mut sent = None;
            measure(a, &mut samples, "POST /v1/transfers (3 cases)", || async {
                let r = a.send("u-alice", &cases, "d-shelbyville").await;
                sent = Some((
                    r.body["transfer"]["id"].as_str().unwrap_or("").to_owned(),
                    r.body["authCode"].as_str().unwrap_or("").to_owned(),
                ));
                r
            })
            .await;
            let (id, code) = sent.unwrap();
            measure(a, &mut samples, "GET /v1/transfers (incoming)", || {
                a.get("u-carol", "/v1/transfers?direction=incoming")
            })
            .await;
            measure(a, &mut samples, "POST verify", || a.verify("u-carol", &id, &code)).await;
            measure(a, &mut samples, "GET /v1/transfers/{id}", || a.transfer("u-carol", &id)).await;
            if round % 2 == 0 {
                measure(a, &mut samples, "POST cancel", || a.cancel("u-alice", &id, Some("bench"))).await;
            } else {
                measure(a, &mut samples, "POST reject", || a.reject("u-carol", &id, None)).await;
            }
            measure(a, &mut samples, "GET /v1/notifications", || a.get("u-alice", "/v1/notifications")).await;
        }
        // Accept moves the cases for good, so it gets cases of its own.
        for i in 5..=12 {
            let (id, code) = app.sent("u-alice", &[&format!("c-{i}")], "d-shelbyville").await;
            let decisions = json!([{"sourceCaseId": format!("c-{i}"), "link": {"type": "transfer_info"}}]);
            measure(&app, &mut samples, "POST accept (1 case)", || app.accept("u-carol", &id, &code, decisions)).await;
        }
        println!(
            "\n{ROUNDS} rounds against Dynoxide in memory, local mail outbox; times in ms, calls = DynamoDB requests"
        );
        println!("| operation                          |     p50 |     p95 |  calls |");
        println!("|------------------------------------|---------|---------|--------|");
        for s in &mut samples {
            println!("{}", s.row());
        }
    });
}
