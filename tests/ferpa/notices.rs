//! Parent notices: a task only where a district's settings ask for one, on its own side; closing it
//! once (done, or not required), each change an audit event; another district sees none of it.

use e2e::fixture::{EAST, NORTH, SOUTH};
use e2e::{spawn_app, spawn_app_from_files, TestApp};
use serde_json::{json, Value};
use shared::mail::Mailer;

/// North's annual notice does not cover transfers; South tells parents of each case it receives.
async fn app_with_notices() -> TestApp {
    let file = json!({"districts": [
        {"id": NORTH, "name": "North Unified", "transfersEnabled": true, "annualNoticeCoversTransfers": false},
        {"id": SOUTH, "name": "South County Schools", "transfersEnabled": true, "parentNoticeOnReceive": true},
        {"id": EAST, "name": "East Valley District", "transfersEnabled": false}]});
    spawn_app_from_files(Mailer::local(), vec![e2e::fixture::standard(), file]).await
}

async fn open(app: &TestApp, user: &str) -> Vec<Value> {
    app.all_entries(user, "/v1/parent-notices?status=open").await
}

fn today(app: &TestApp) -> String {
    app.app.clock.now().0.with_timezone(&chrono_tz::America::Chicago).date_naive().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_task_where_the_settings_ask_for_none() {
    let app = spawn_app().await;
    let (t, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    assert_eq!(app.accept_all("u-sue", &t, &code, &["c-n1"]).await.status, 200);
    assert!(open(&app, "u-ann").await.is_empty());
    assert!(open(&app, "u-sue").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_side_gets_its_own_tasks_and_closes_each_once() {
    let app = app_with_notices().await;
    // The request that reveals makes the tasks itself: they are there when it answers, before any
    // delivery (which finds them made, and makes none twice).
    app.auto_deliver.store(false, std::sync::atomic::Ordering::SeqCst);
    let (t, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    assert_eq!(app.verify("u-sue", &t, &code).await.status, 200);
    // The disclosure: North's tasks, one per case; South has none until it accepts.
    let north = open(&app, "u-ann").await;
    assert_eq!(north.len(), 2, "{north:?}");
    for n in &north {
        assert_eq!((&n["side"], &n["status"], &n["transferId"]), (&json!("disclosed"), &json!("open"), &json!(t)));
        assert_eq!(n["otherDistrict"], json!({"id": SOUTH, "name": "South County Schools"}));
    }
    let jordan = north.iter().find(|n| n["caseId"] == "c-n1").expect("c-n1's task");
    assert_eq!(jordan["personOfConcern"], json!({"firstName": "Jordan", "lastName": "Student1"}));
    assert!(open(&app, "u-sue").await.is_empty());
    let accepted = app.accept_all("u-sue", &t, &code, &["c-n1", "c-n2"]).await;
    assert_eq!(accepted.status, 200);
    let south = open(&app, "u-sue").await;
    let mut made: Vec<&str> =
        accepted.body["createdCases"].as_array().unwrap().iter().map(|c| c["caseId"].as_str().unwrap()).collect();
    let mut tasked: Vec<&str> = south.iter().map(|n| n["caseId"].as_str().unwrap()).collect();
    made.sort();
    tasked.sort();
    assert_eq!(made, tasked);
    assert!(south.iter().all(|n| n["side"] == "received" && n["otherDistrict"]["id"] == NORTH));
    assert_eq!(open(&app, "u-ann").await.len(), 2, "the accept revealed nothing new");
    app.deliver().await.unwrap();
    assert_eq!((open(&app, "u-ann").await.len(), open(&app, "u-sue").await.len()), (2, 2), "none twice");

    // Closing: done with how and when, or not required with why; only while open.
    let (a, b) = (north[0]["id"].as_str().unwrap(), north[1]["id"].as_str().unwrap());
    let done = json!({"method": "phone", "notifiedOn": today(&app), "note": "Spoke with the mother."});
    for (user, status) in [("u-sue", 404), ("u-eve", 404)] {
        assert_eq!(app.post(user, &format!("/v1/parent-notices/{a}/done"), done.clone()).await.status, status);
    }
    let r = app.post("u-ann", &format!("/v1/parent-notices/{a}/done"), done.clone()).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        (&r.body["status"], &r.body["method"], &r.body["doneBy"]["id"]),
        (&json!("done"), &json!("phone"), &json!("u-ann"))
    );
    let again = app.post("u-nia", &format!("/v1/parent-notices/{a}/done"), done.clone()).await;
    assert!(again.is_problem(409, "notice_not_open"), "{:?}", again.body);
    let why = json!({"reason": "The student is 18: the rights are the student's."});
    assert!(app
        .post("u-ann", &format!("/v1/parent-notices/{a}/not-required"), why.clone())
        .await
        .is_problem(409, "notice_not_open"));
    let r = app.post("u-ann", &format!("/v1/parent-notices/{b}/not-required"), why).await;
    assert_eq!((r.status, &r.body["status"]), (200, &json!("not_required")));
    assert!(open(&app, "u-ann").await.is_empty());
    for (status, id) in [("done", a), ("not_required", b)] {
        let list = app.get("u-ann", &format!("/v1/parent-notices?status={status}")).await.body;
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{status}");
        assert_eq!(list["items"][0]["id"], id);
    }
    // Each change is an audit event of the district, with who and what before and after.
    let audits: Vec<Value> = app
        .all_items()
        .await
        .iter()
        .map(|i| serde_json::from_str::<Value>(i).unwrap())
        .filter(|i| i["pk"] == format!("DISTRICT#{NORTH}") && i["sk"].as_str().unwrap().starts_with("AUDIT#"))
        .collect();
    let mut actions: Vec<&str> = audits.iter().map(|a| a["action"].as_str().unwrap()).collect();
    actions.sort();
    assert_eq!(actions, ["parent_notice.done", "parent_notice.not_required"]);
    assert!(audits.iter().all(|a| a["actor"]["id"] == "u-ann" && a["before"]["status"] == "open"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_records_officer_types_is_checked() {
    let app = app_with_notices().await;
    let (t, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    assert_eq!(app.verify("u-sue", &t, &code).await.status, 200);
    let id = open(&app, "u-ann").await[0]["id"].as_str().unwrap().to_owned();
    let tomorrow = (app.app.clock.now().0 + chrono::Duration::days(2)).date_naive().to_string();
    let cases = [
        ("done", json!({"method": "pigeon", "notifiedOn": today(&app)})),
        ("done", json!({"method": "mail", "notifiedOn": tomorrow})),
        ("done", json!({"method": "mail", "notifiedOn": "12/01/2026"})),
        ("done", json!({"method": "mail"})),
        ("done", json!({"method": "mail", "notifiedOn": today(&app), "note": "x".repeat(2001)})),
        ("done", json!({"method": "mail", "notifiedOn": today(&app), "by": "someone"})),
        ("not-required", json!({"reason": "  "})),
        ("not-required", json!({})),
    ];
    for (action, body) in cases {
        let r = app.post("u-ann", &format!("/v1/parent-notices/{id}/{action}"), body.clone()).await;
        assert!(r.is_problem(400, "validation_failed"), "{body}: {:?}", r.body);
    }
    assert_eq!(open(&app, "u-ann").await.len(), 1, "nothing closed it");
    let r = app
        .post("u-ann", "/v1/parent-notices/bad%23id/done", json!({"method": "mail", "notifiedOn": today(&app)}))
        .await;
    assert!(r.status == 400 || r.status == 404, "{:?}", r.body);
    assert!(app.get("u-ann", "/v1/parent-notices?status=closed").await.is_problem(400, "validation_failed"));
    assert!(app.get("u-ned", "/v1/parent-notices").await.is_problem(403, "forbidden"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deliverer_makes_the_tasks_a_request_did_not() {
    let app = app_with_notices().await;
    app.auto_deliver.store(false, std::sync::atomic::Ordering::SeqCst);
    let (t, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    assert_eq!(app.verify("u-sue", &t, &code).await.status, 200);
    // As if the request had stopped right after its commit: its tasks are not there.
    let client = app.app.store.client();
    for task in open(&app, "u-ann").await {
        let key = [("pk", format!("DISTRICT#{NORTH}")), ("sk", format!("NOTICE#{}", task["id"].as_str().unwrap()))];
        let key = key.into_iter().map(|(k, v)| (k.to_owned(), aws_sdk_dynamodb::types::AttributeValue::S(v)));
        client.delete_item().table_name(app.app.store.table_name()).set_key(Some(key.collect())).send().await.unwrap();
    }
    assert!(open(&app, "u-ann").await.is_empty());
    // The table's stream brings the outbox message: the deliverer makes them, with the same ids.
    app.deliver().await.unwrap();
    let made = open(&app, "u-ann").await;
    assert_eq!(made.len(), 2);
    assert!(made.iter().all(|n| n["side"] == "disclosed" && n["transferId"] == t.as_str()));
}
