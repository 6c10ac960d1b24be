//! Contention: requests released together by a barrier against the local API.

use e2e::fixture::{NORTH, SOUTH};
use e2e::{spawn_app_with, Reply};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tokio::sync::Barrier;

async fn together<F, Fut>(n: usize, call: F) -> Vec<Reply>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Reply> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(n));
    let tasks = (0..n).map(|i| {
        let (barrier, request) = (barrier.clone(), call(i));
        tokio::spawn(async move {
            barrier.wait().await;
            request.await
        })
    });
    futures::future::join_all(tasks).await.into_iter().map(|r| r.expect("the task ran")).collect()
}

fn statuses(replies: &[Reply]) -> String {
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for r in replies {
        *counts.entry(r.status).or_default() += 1;
    }
    counts.iter().map(|(s, n)| format!("{n} x {s}")).collect::<Vec<_>>().join(", ")
}

pub async fn run() {
    let app = Arc::new(spawn_app_with(shared::mail::Mailer::local(), e2e::fixture::standard()).await);
    println!("\n## Contention (released together by a barrier)\n");
    let mut pending = Vec::new();
    for i in 1..=10 {
        pending.push(app.sent("u-ann", &[&format!("c-n{i}")], SOUTH).await);
    }
    let accepts = together(10, |i| {
        let (app, (id, code)) = (app.clone(), pending[i].clone());
        async move { app.accept_all("u-sue", &id, &code, &[&format!("c-n{}", i + 1)]).await }
    })
    .await;
    let numbers: BTreeSet<&str> =
        accepts.iter().filter_map(|r| r.body["createdCases"][0]["caseNumber"].as_str()).collect();
    println!(
        "- 10 concurrent accepts into {SOUTH}: {}; {} distinct case numbers; 5xx: {}",
        statuses(&accepts),
        numbers.len(),
        accepts.iter().filter(|r| r.status >= 500).count()
    );
    let body = json!({"destinationDistrictId": SOUTH, "caseIds": ["c-n20", "c-n21"], "notes": "Same request"});
    let sends = together(10, |_| {
        let (app, body) = (app.clone(), body.clone());
        async move { app.send_with_key("u-ann", body, "bench-key-1").await }
    })
    .await;
    let codes = sends.iter().filter(|r| r.body.get("authCode").is_some()).count();
    let requests: BTreeSet<&str> = sends.iter().filter_map(|r| r.body["transfer"]["id"].as_str()).collect();
    println!(
        "- 10 identical sends with one Idempotency-Key from {NORTH}: {}; {} request(s), {} code(s) shown; 5xx: {}",
        statuses(&sends),
        requests.len(),
        codes,
        sends.iter().filter(|r| r.status >= 500).count()
    );
    let failed: Vec<_> = accepts.iter().chain(&sends).filter(|r| r.status >= 500).map(|r| &r.body).collect();
    assert!(failed.is_empty(), "5xx under contention: {failed:?}");
}
