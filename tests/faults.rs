//! Faults: the DynamoDB engine stops in the middle of a workflow, and a send fails between its two
//! steps. Every call that needs the table answers 503 problem+json with `Retry-After` (the SDK's
//! error becomes `unavailable`, its detail only in the log); nothing half-written is visible; what a
//! failed step left behind is swept later; and the workflow completes once the engine is back.

use e2e::fixture::SOUTH;
use e2e::spawn_app_with_faults;
use serde_json::json;

fn assert_unavailable(r: &e2e::Reply, what: &str) {
    assert_eq!(r.status, 503, "{what}: {:?}", r.body);
    assert_eq!(r.code(), "unavailable", "{what}");
    assert_eq!(r.content_type, "application/problem+json", "{what}");
    assert!(r.headers.get("retry-after").is_some(), "{what}: no Retry-After");
    let text = r.body.to_string();
    assert!(!text.contains("dispatch") && !text.contains("127.0.0.1"), "{what}: the SDK's detail leaked: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_outage_answers_503_everywhere_and_the_workflow_completes_after_it() {
    let (app, engine, _) = spawn_app_with_faults().await;
    app.set_transfers("u-eve", true).await;
    let (t, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let note = app.get("u-ann", "/v1/notifications").await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let before = app.all_items().await;

    engine.stop();
    let decisions = json!([{"sourceCaseId": "c-n1", "link": {"type": "transfer_info"}}]);
    let calls: Vec<(&str, &str, String, Option<serde_json::Value>)> = vec![
        ("GET", "u-ann", "/v1/settings/transfers".into(), None),
        ("PUT", "u-ann", "/v1/settings/transfers".into(), Some(json!({"enabled": false}))),
        ("GET", "u-ann", "/v1/districts".into(), None),
        ("GET", "u-ann", "/v1/cases?q=jordan".into(), None),
        ("GET", "u-ann", "/v1/cases/c-n1".into(), None),
        ("GET", "u-sue", "/v1/students".into(), None),
        ("GET", "u-ann", "/v1/transfers?direction=outgoing".into(), None),
        ("GET", "u-ann", format!("/v1/transfers/{t}"), None),
        (
            "POST",
            "u-ann",
            "/v1/transfers".into(),
            Some(json!({"destinationDistrictId": "d-east", "caseIds": ["c-n2"]})),
        ),
        ("POST", "u-ann", format!("/v1/transfers/{t}/code"), None),
        ("POST", "u-sue", format!("/v1/transfers/{t}/verify"), Some(json!({"authCode": code}))),
        ("POST", "u-sue", format!("/v1/transfers/{t}/accept"), Some(json!({"authCode": code, "decisions": decisions}))),
        ("POST", "u-sue", format!("/v1/transfers/{t}/reject"), Some(json!({}))),
        ("POST", "u-ann", format!("/v1/transfers/{t}/cancel"), Some(json!({}))),
        ("GET", "u-ann", "/v1/notifications".into(), None),
        ("POST", "u-ann", format!("/v1/notifications/{note}/read"), None),
    ];
    for (method, user, path, body) in &calls {
        let r = app.request(method, Some(user), path, body.clone(), &[]).await;
        assert_unavailable(&r, &format!("{method} {path}"));
    }
    assert_eq!(app.get("u-ann", "/v1/health").await.status, 200, "health needs no table");
    // The scheduled jobs fail too, and say so, without changing anything.
    assert!(shared::ops::expire::sweep(&app.app).await.is_err());
    assert!(shared::ops::notify::run_due(&app.app).await.is_err());

    engine.start();
    assert_eq!(app.all_items().await, before, "the outage changed nothing");
    // The request goes on where it was: the code still works, the accept completes.
    let r = app.accept("u-sue", &t, &code, decisions).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(app.transfer("u-ann", &t).await.body["status"], "accepted");
    assert_eq!(app.case("u-ann", "c-n1").await.body["status"], "transferred_out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_whose_transaction_fails_leaves_nothing_behind() {
    let (app, _, failing) = spawn_app_with_faults().await;
    let before = app.all_items().await;

    // The transaction's outcome is unknown to the app.
    failing.fail("TransactWriteItems");
    let r = app.send("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    assert_unavailable(&r, "send");
    failing.heal();

    // Nothing a user can see: no hold on the cases, no request on either side.
    for case in ["c-n1", "c-n2"] {
        assert!(app.case("u-ann", case).await.body.get("pendingTransferId").is_none(), "{case}");
    }
    for (user, direction) in [("u-ann", "outgoing"), ("u-sue", "incoming")] {
        let list = app.get(user, &format!("/v1/transfers?direction={direction}")).await;
        assert_eq!(list.body["items"], json!([]), "{user}");
    }
    // A send writes nothing outside its one transaction (its cases are frozen by reference), so
    // there is nothing to sweep up: the table is as it was.
    assert_eq!(app.all_items().await, before);

    // The user's retry works.
    let (t, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    // An accept whose transaction fails leaves the request pending and creates nothing.
    failing.fail("TransactWriteItems");
    assert_unavailable(&app.accept_all("u-sue", &t, &code, &["c-n1", "c-n2"]).await, "accept");
    failing.heal();
    assert_eq!(app.transfer("u-sue", &t).await.body["status"], "pending");
    assert_eq!(app.case("u-ann", "c-n1").await.body["status"], "open");
    // Its new cases' search words were written ahead of the transaction: they lead nowhere.
    let search = app.get("u-sue", "/v1/cases?q=jordan").await;
    assert_eq!(search.body["items"], json!([]), "{:?}", search.body);
    let r = app.accept_all("u-sue", &t, &code, &["c-n1", "c-n2"]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Accepted with other numbers: found once, under its number, whatever the first try left.
    let search = app.get("u-sue", "/v1/cases?q=jordan").await;
    assert_eq!(search.body["items"].as_array().unwrap().len(), 1, "{:?}", search.body);
    assert_eq!(search.body["items"][0]["caseNumber"], r.body["createdCases"][0]["caseNumber"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reveal_whose_transaction_fails_records_no_disclosure_and_reveals_nothing() {
    let (app, switch, failing) = spawn_app_with_faults().await;
    let (t, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    let rows = |case: &'static str| {
        let app = &app;
        async move { app.all_entries("u-ann", &format!("/v1/cases/{case}/disclosures")).await.len() }
    };
    // The verify's one transaction fails: the destination sees no case, the source has no row.
    failing.fail("TransactWriteItems");
    assert_unavailable(&app.verify("u-sue", &t, &code).await, "verify");
    failing.heal();
    assert!(app.transfer("u-sue", &t).await.body.get("cases").is_none());
    assert_eq!((rows("c-n1").await, rows("c-n2").await), (0, 0));
    // The engine stops under an accept that would reveal: again neither.
    switch.stop();
    assert_unavailable(&app.accept_all("u-sue", &t, &code, &["c-n1", "c-n2"]).await, "accept");
    switch.start();
    assert_eq!(app.transfer("u-sue", &t).await.body["status"], "pending");
    assert_eq!((rows("c-n1").await, rows("c-n2").await), (0, 0));
    // Then the reveal lands with its record: once per case.
    assert_eq!(app.verify("u-sue", &t, &code).await.status, 200);
    assert_eq!(app.accept_all("u-sue", &t, &code, &["c-n1", "c-n2"]).await.status, 200);
    assert_eq!((rows("c-n1").await, rows("c-n2").await), (1, 1));
}
