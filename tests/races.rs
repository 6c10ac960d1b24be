//! Races that really overlap: requests released together by a barrier, against the local API. Each
//! race has one winner, nothing answers 5xx, and the invariants hold afterwards: no case both
//! transferred out and held, no created case twice, every hold on a pending request.

use e2e::fixture::{NORTH, SOUTH};
use e2e::{spawn_app_with, Reply, TestApp};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::sync::Barrier;

/// The standard districts with 60 more of North's cases to race over.
fn many_cases() -> Value {
    let mut data = e2e::fixture::standard();
    let cases = data["cases"].as_array_mut().unwrap();
    for i in 1..=60 {
        cases.push(json!({
            "id": format!("c-r{i}"), "districtId": NORTH, "caseNumber": format!("R-{i:04}"),
            "personOfConcern": {"firstName": "Race", "lastName": format!("Case{i}")},
            "building": "North High School", "teamName": "North High Team", "teamLeader": "Priya Raman",
            "caseManager": "Marcus Bell", "status": "open", "openedAt": "2026-09-02T15:04:05Z",
            "entries": [{"id": "e-1", "at": "2026-09-03T10:00:00Z", "type": "note", "author": "M", "text": "x"}]
        }));
    }
    data
}

async fn app() -> Arc<TestApp> {
    Arc::new(spawn_app_with(shared::mail::Mailer::local(), many_cases()).await)
}

/// A POST to release with the others: who, where, the body, extra headers.
type Call = (&'static str, String, Value, Vec<(&'static str, String)>);

/// Runs every request at once: each task waits at one barrier, then sends.
async fn together(app: &Arc<TestApp>, calls: Vec<Call>) -> Vec<Reply> {
    let barrier = Arc::new(Barrier::new(calls.len()));
    let tasks = calls.into_iter().map(|(user, path, body, headers)| {
        let (app, barrier) = (app.clone(), barrier.clone());
        tokio::spawn(async move {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            barrier.wait().await;
            app.request("POST", Some(user), &path, Some(body), &headers).await
        })
    });
    futures::future::join_all(tasks).await.into_iter().map(|r| r.expect("the task ran")).collect()
}

fn no_5xx(replies: &[Reply]) {
    for r in replies {
        assert!(r.status < 500, "{} {:?}", r.status, r.body);
    }
}

/// After the races: every source case is either transferred out by an accepted request (and holds
/// nothing) or open; every hold points at a pending request; South created each case once.
async fn invariants(app: &TestApp, cases: &[String]) {
    for id in cases {
        let c = app.case("u-ann", id).await.body;
        match c["status"].as_str().unwrap() {
            "transferred_out" => {
                assert!(c.get("pendingTransferId").is_none(), "{id} is both transferred and held");
                let t = app.transfer("u-ann", c["transferredTo"]["transferId"].as_str().unwrap()).await.body;
                assert_eq!(t["status"], "accepted", "{id}");
            }
            _ => {
                if let Some(held) = c["pendingTransferId"].as_str() {
                    assert_eq!(app.transfer("u-ann", held).await.body["status"], "pending", "{id}");
                }
            }
        }
    }
    let mut from = HashMap::new();
    let mut cursor = String::new();
    loop {
        let page = app.get("u-sue", &format!("/v1/cases?limit=100&cursor={cursor}")).await.body;
        for c in page["items"].as_array().unwrap() {
            let full = app.case("u-sue", c["id"].as_str().unwrap()).await.body;
            if let Some(source) = full["provenance"]["sourceCaseId"].as_str() {
                *from.entry(source.to_owned()).or_insert(0) += 1;
            }
        }
        match page["nextCursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert!(from.values().all(|n| *n == 1), "a case created twice: {from:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_accepts_racing_fifty_cancels_have_one_winner_each() {
    let app = app().await;
    let mut races = Vec::new();
    let mut cases = Vec::new();
    for i in 1..=50 {
        let case = format!("c-r{i}");
        let (t, code) = app.sent("u-ann", &[&case], SOUTH).await;
        let decisions = json!([{"sourceCaseId": case, "link": {"type": "transfer_info"}}]);
        races.push((
            "u-sue",
            format!("/v1/transfers/{t}/accept"),
            json!({"authCode": code, "decisions": decisions}),
            vec![],
        ));
        races.push(("u-ann", format!("/v1/transfers/{t}/cancel"), json!({"reason": "sent by mistake"}), vec![]));
        cases.push(case);
    }
    // All hundred at once: each accept races its own request's cancel (and every other request).
    let replies = together(&app, races).await;
    no_5xx(&replies);
    for pair in replies.chunks(2) {
        let won: Vec<bool> = pair.iter().map(|r| r.status == 200).collect();
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "one winner: {:?} {:?}", pair[0].body, pair[1].body);
        let loser = pair.iter().find(|r| r.status != 200).unwrap();
        assert!(loser.is_problem(409, "transfer_not_pending"), "{:?}", loser.body);
        let winner = if won[0] { "accepted" } else { "cancelled" };
        assert_eq!(loser.body["currentStatus"], winner, "the loser is told the current status");
    }
    invariants(&app, &cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_accepts_into_one_district_all_succeed_with_distinct_numbers() {
    let app = app().await;
    let mut accepts = Vec::new();
    let mut cases = Vec::new();
    for i in 1..=10 {
        let (a, b) = (format!("c-r{}", 2 * i - 1), format!("c-r{}", 2 * i));
        let (t, code) = app.sent("u-ann", &[&a, &b], SOUTH).await;
        let decisions = json!([{"sourceCaseId": a, "link": {"type": "transfer_info"}},
                               {"sourceCaseId": b, "link": {"type": "transfer_info"}}]);
        let user = if i % 2 == 0 { "u-sue" } else { "u-sid" };
        accepts.push((
            user,
            format!("/v1/transfers/{t}/accept"),
            json!({"authCode": code, "decisions": decisions}),
            vec![],
        ));
        cases.extend([a, b]);
    }
    let replies = together(&app, accepts).await;
    no_5xx(&replies);
    let mut numbers = BTreeSet::new();
    for r in &replies {
        assert_eq!(r.status, 200, "{:?}", r.body);
        for c in r.body["createdCases"].as_array().unwrap() {
            assert!(numbers.insert(c["caseNumber"].as_str().unwrap().to_owned()), "a number given twice: {c}");
        }
    }
    assert_eq!(numbers.len(), 20);
    invariants(&app, &cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_identical_sends_with_one_key_make_one_request_and_show_one_code() {
    let app = app().await;
    let body = json!({"destinationDistrictId": SOUTH, "caseIds": ["c-r1", "c-r2"], "notes": "moving"});
    let sends = (0..10)
        .map(|_| {
            ("u-ann", "/v1/transfers".to_string(), body.clone(), vec![("idempotency-key", "same-key-1".to_string())])
        })
        .collect();
    let replies = together(&app, sends).await;
    no_5xx(&replies);
    let created: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(created.len(), 1, "{:?}", replies.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>());
    let t = created[0].body["transfer"]["id"].as_str().unwrap();
    let code = created[0].body["authCode"].as_str().unwrap();
    for r in replies.iter().filter(|r| r.status != 201) {
        if r.status == 200 {
            assert_eq!(r.body["transfer"]["id"], t);
            assert!(r.body.get("authCode").is_none(), "never a second code");
        } else {
            assert!(r.is_problem(409, "idempotency_in_progress"), "{} {:?}", r.status, r.body);
            assert_eq!(r.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
        }
    }
    let out = app.get("u-ann", "/v1/transfers?direction=outgoing").await;
    assert_eq!(out.body["items"].as_array().unwrap().len(), 1);
    // The one code shown is the one that works.
    assert_eq!(app.verify("u-sue", t, code).await.status, 200);
    // Once committed, a retry is the same request.
    let again =
        app.request("POST", Some("u-ann"), "/v1/transfers", Some(body), &[("idempotency-key", "same-key-1")]).await;
    assert_eq!((again.status, again.body["transfer"]["id"].as_str()), (200, Some(t)));
}
