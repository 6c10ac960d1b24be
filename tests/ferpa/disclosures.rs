//! The record of disclosures: a row at the first right code, whatever follows, exactly once; a
//! request row for a fulfilled records request; kept on a transferred-out case.

use e2e::fixture::{NORTH, SOUTH};
use e2e::{spawn_app, TestApp};
use serde_json::{json, Value};

async fn record(app: &TestApp, user: &str, case: &str) -> Vec<Value> {
    app.all_entries(user, &format!("/v1/cases/{case}/disclosures")).await
}

fn kinds(rows: &[Value]) -> Vec<&str> {
    rows.iter().map(|r| r["kind"].as_str().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_right_code_is_recorded_once_whatever_follows() {
    let app = spawn_app().await;
    // Verified, verified again, then rejected: one row. A wrong code first records nothing.
    let (t1, code1) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    assert_eq!(app.verify("u-sue", &t1, "AAAAA-AAAAA").await.status, 422);
    assert!(record(&app, "u-ann", "c-n1").await.is_empty());
    for _ in 0..2 {
        assert_eq!(app.verify("u-sue", &t1, &code1).await.status, 200);
    }
    assert_eq!(app.reject("u-sue", &t1, Some("Not enrolled here")).await.status, 200);
    let rows = record(&app, "u-ann", "c-n1").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let want = json!({
        "kind": "disclosure", "party": {"id": SOUTH, "name": "South County Schools"},
        "legitimateInterest": "34 CFR 99.31(a)(2): to a school where the student seeks or intends to enroll, or is enrolled",
        "transferId": t1, "sentBy": {"id": "u-ann", "name": "Ann North"},
        "revealedTo": {"id": "u-sue", "name": "Sue South"}, "caseNumber": "2026-0001", "entryCount": 3,
    });
    let mut got = rows[0].clone();
    assert!(got.as_object_mut().unwrap().remove("at").is_some());
    assert_eq!(got, want);

    // Accepted without a verify: the accept is the first right code, one row per case.
    let (t2, code2) = app.sent("u-ann", &["c-n3", "c-n4"], SOUTH).await;
    assert_eq!(app.accept_all("u-sue", &t2, &code2, &["c-n3", "c-n4"]).await.status, 200);
    // Verified, then accepted: still one.
    let (t3, code3) = app.sent("u-ann", &["c-n5"], SOUTH).await;
    assert_eq!(app.verify("u-sue", &t3, &code3).await.status, 200);
    assert_eq!(app.accept_all("u-sue", &t3, &code3, &["c-n5"]).await.status, 200);
    for case in ["c-n3", "c-n4", "c-n5"] {
        // Kept with the case once it is transferred out.
        assert_eq!(app.case("u-ann", case).await.body["status"], "transferred_out");
        let rows = record(&app, "u-ann", case).await;
        assert_eq!(kinds(&rows), ["disclosure"], "{case}: {rows:?}");
        assert_eq!(rows[0]["revealedTo"]["id"], "u-sue");
    }
    // Rejected or cancelled unseen: nothing was disclosed.
    let (t4, _) = app.sent("u-ann", &["c-n6"], SOUTH).await;
    assert_eq!(app.reject("u-sue", &t4, None).await.status, 200);
    let (t5, _) = app.sent("u-ann", &["c-n7"], SOUTH).await;
    assert_eq!(app.cancel("u-ann", &t5, None).await.status, 200);
    // Verified, then left to expire: the row stays, once.
    let (t6, code6) = app.sent("u-ann", &["c-n2"], SOUTH).await;
    assert_eq!(app.verify("u-sue", &t6, &code6).await.status, 200);
    app.app.clock.advance(chrono::Duration::days(31));
    assert_eq!(shared::ops::expire::sweep(&app.app).await.unwrap(), 1);
    app.deliver().await.unwrap();
    for (case, n) in [("c-n2", 1), ("c-n6", 0), ("c-n7", 0)] {
        assert_eq!(record(&app, "u-ann", case).await.len(), n, "{case}");
    }

    // The district's export: the same rows with their case, newest first; the receiving district
    // disclosed nothing; another district's case is not found.
    let export = app.all_entries("u-ann", "/v1/disclosures?limit=2").await;
    let mut cases: Vec<&str> = export.iter().map(|r| r["caseId"].as_str().unwrap()).collect();
    let times: Vec<&str> = export.iter().map(|r| r["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
    cases.sort();
    assert_eq!(cases, ["c-n1", "c-n2", "c-n3", "c-n4", "c-n5"]);
    assert!(app.get("u-sue", "/v1/disclosures").await.body["items"].as_array().unwrap().is_empty());
    assert!(app.get("u-sue", "/v1/cases/c-n1/disclosures").await.is_problem(404, "not_found"));
    assert!(app.get("u-ned", "/v1/cases/c-n1/disclosures").await.is_problem(403, "forbidden"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_records_request_fulfilled_with_a_case_is_a_request_row() {
    let app = spawn_app().await;
    let asked = app
        .post(
            "u-sue",
            "/v1/record-requests",
            json!({"recipientDistrictId": NORTH, "student": {"firstName": "Jordan", "lastName": "Student1"}}),
        )
        .await;
    assert_eq!(asked.status, 201, "{:?}", asked.body);
    let request = asked.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    let body = json!({"destinationDistrictId": SOUTH, "caseIds": ["c-n1"], "recordRequestId": request});
    let sent = app.post("u-ann", "/v1/transfers", body).await;
    assert_eq!(sent.status, 201, "{:?}", sent.body);
    let (t, code) = (sent.body["transfer"]["id"].as_str().unwrap(), sent.body["authCode"].as_str().unwrap());
    let rows = record(&app, "u-ann", "c-n1").await;
    assert_eq!(kinds(&rows), ["request"]);
    assert_eq!(
        (&rows[0]["party"]["id"], &rows[0]["recordRequestId"], &rows[0]["transferId"], rows[0].get("revealedTo")),
        (&json!(SOUTH), &json!(request), &json!(t), None)
    );
    assert_eq!(app.verify("u-sue", t, code).await.status, 200);
    let rows = record(&app, "u-ann", "c-n1").await;
    assert_eq!(kinds(&rows), ["request", "disclosure"], "oldest first");
    assert_eq!(rows[1]["recordRequestId"], json!(request));
    // Both rows are in the export, each once.
    let export = app.all_entries("u-ann", "/v1/disclosures").await;
    assert_eq!(kinds(&export), ["disclosure", "request"]);
}
