//! Records requests (api.md v1.2): the new district asks, the old one answers, on the recipient's clock.

use chrono::{Datelike, Duration, Utc, Weekday};
use e2e::fixture::{NORTH, SOUTH};
use e2e::{spawn_app_from_files, TestApp};
use serde_json::{json, Value};
use shared::mail::Mailer;

/// North (the old district) counts Florida's three school days in New York's time; South asks.
async fn app_with_rule() -> TestApp {
    let file = json!({"districts": [
        {"id": NORTH, "name": "North Unified", "transfersEnabled": true, "notificationEmail": "safety@north.example",
         "timeZone": "America/New_York", "recordsRule": {"preset": "FL"}},
        {"id": SOUTH, "name": "South County Schools", "transfersEnabled": true, "notificationEmail": "btam@south.example"}]});
    spawn_app_from_files(Mailer::local(), vec![e2e::fixture::standard(), file]).await
}

fn ask(student: Value) -> Value {
    json!({"recipientDistrictId": NORTH, "student": student, "enrolledOn": "2026-11-30",
           "notes": "Enrolled Monday; please send the threat assessment file."})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_district_asks_and_the_clock_is_the_recipients() {
    let app = app_with_rule().await;
    let jordan = json!({"firstName": "Jordan", "lastName": "Student1", "dateOfBirth": "2011-03-14", "formerSchool": "North High School"});
    let r = app.post("u-sue", "/v1/record-requests", ask(jordan.clone())).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let created = &r.body["recordRequest"];
    assert_eq!((created["status"].clone(), created["direction"].clone()), (json!("open"), json!("outgoing")));
    assert_eq!(created["dueRule"], json!({"preset": "FL", "days": 3, "unit": "school_days"}));
    // Three school days counted in New York from the day after today there.
    let today = Utc::now().with_timezone(&chrono_tz::America::New_York).date_naive();
    let mut want = today;
    let mut left = 3;
    while left > 0 {
        want = want.succ_opt().unwrap();
        if !matches!(want.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    assert_eq!(created["dueDate"], json!(want.to_string()));
    assert_eq!(created["overdue"], false);
    let id = created["id"].as_str().unwrap().to_owned();

    // North sees it incoming, with the cases that may be the student's; South sees none of North's cases.
    let incoming = app.get("u-ann", "/v1/record-requests?direction=incoming").await.body;
    assert_eq!(incoming["items"][0]["id"], json!(id));
    let details = app.get("u-ann", &format!("/v1/record-requests/{id}")).await.body;
    assert_eq!(details["direction"], "incoming");
    assert_eq!(details["events"][0]["type"], "created");
    let suggested: Vec<&str> =
        details["suggestedCases"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(suggested, ["c-n1"], "Jordan Student1, not Avery Student10");
    let mine = app.get("u-sue", &format!("/v1/record-requests/{id}")).await.body;
    assert!(mine.get("suggestedCases").is_none(), "{mine}");
    assert!(app.get("u-eve", &format!("/v1/record-requests/{id}")).await.is_problem(404, "not_found"));
    assert_eq!(
        app.get("u-sue", "/v1/record-requests?direction=outgoing").await.body["items"].as_array().unwrap().len(),
        1
    );
    assert!(app.get("u-sue", "/v1/record-requests?direction=incoming").await.body["items"]
        .as_array()
        .unwrap()
        .is_empty());

    // The wrong side: 403; the right side declines with an answer the law expects; then it is decided.
    let decline = json!({"reason": "no_records", "detail": "No file for this student."});
    let path = format!("/v1/record-requests/{id}/decline");
    assert!(app.post("u-sue", &path, decline.clone()).await.is_problem(403, "forbidden"));
    assert!(app.post("u-eve", &path, decline.clone()).await.is_problem(404, "not_found"));
    let r = app.post("u-ann", &path, decline.clone()).await;
    assert_eq!(
        (r.status, r.body["status"].clone(), r.body["reason"].clone()),
        (200, json!("declined"), json!("no_records"))
    );
    let again = app.post("u-ann", &path, decline).await;
    assert!(again.is_problem(409, "request_not_open"), "{:?}", again.body);
    assert_eq!(again.body["currentStatus"], "declined");
    let withdraw = app.post("u-sue", &format!("/v1/record-requests/{id}/withdraw"), json!({})).await;
    assert!(withdraw.is_problem(409, "request_not_open"));
    let events = app.get("u-sue", &format!("/v1/record-requests/{id}")).await.body["events"].clone();
    assert_eq!(events[0]["type"], "declined");

    // Withdrawn by the requester; lists filter by status.
    let r = app.post("u-sue", "/v1/record-requests", ask(jordan)).await;
    let second = r.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    assert!(app
        .post("u-ann", &format!("/v1/record-requests/{second}/withdraw"), json!({}))
        .await
        .is_problem(403, "forbidden"));
    let w = app
        .post(
            "u-sue",
            &format!("/v1/record-requests/{second}/withdraw"),
            json!({"reason": "Sent to the wrong district"}),
        )
        .await;
    assert_eq!(w.body["status"], "withdrawn");
    let count = |q: &str| {
        let app = &app;
        let q = q.to_owned();
        async move {
            app.get("u-ann", &format!("/v1/record-requests?direction=incoming&{q}")).await.body["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(count("status=declined").await, 1);
    assert_eq!(count("status=withdrawn").await, 1);
    assert_eq!(count("status=open").await, 0);
    assert_eq!(app.all_entries("u-ann", "/v1/record-requests?direction=incoming&limit=1").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_request_is_flagged_and_found() {
    let app = app_with_rule().await;
    let r = app.post("u-sue", "/v1/record-requests", ask(json!({"firstName": "A", "lastName": "B"}))).await;
    let id = r.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.get("u-ann", "/v1/record-requests?direction=incoming&overdue=true").await.body["items"], json!([]));
    // A week later (the clock moved, not the date in the test), the three school days have passed.
    app.app.clock.advance(Duration::days(8));
    let flagged = app.get("u-ann", "/v1/record-requests?direction=incoming&overdue=true").await.body;
    assert_eq!(flagged["items"][0]["id"], json!(id));
    assert_eq!(flagged["items"][0]["overdue"], true);
    assert_eq!(app.get("u-sue", &format!("/v1/record-requests/{id}")).await.body["overdue"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_may_ask_whom_and_what_a_request_must_hold() {
    let app = app_with_rule().await;
    let student = json!({"firstName": "A", "lastName": "B"});
    // East's transfers are OFF: it may be asked, not ask.
    let to_east = json!({"recipientDistrictId": "d-east", "student": student});
    assert_eq!(
        app.post("u-ann", "/v1/record-requests", to_east).await.status,
        201,
        "a district with transfers OFF is asked too"
    );
    let from_east = json!({"recipientDistrictId": NORTH, "student": student});
    assert!(app.post("u-eve", "/v1/record-requests", from_east).await.is_problem(409, "transfers_disabled"));
    for to in [NORTH, "d-nowhere"] {
        let r = app.post("u-ann", "/v1/record-requests", json!({"recipientDistrictId": to, "student": student})).await;
        assert!(r.is_problem(409, "destination_unavailable"), "{to}");
    }
    assert!(app.post("u-ned", "/v1/record-requests", ask(student.clone())).await.is_problem(403, "forbidden"));
    for (bad, field) in [
        (json!({"firstName": "", "lastName": "B"}), "student.firstName"),
        (json!({"firstName": "A", "lastName": "x".repeat(201)}), "student.lastName"),
        (json!({"firstName": "A", "lastName": "B", "stateStudentId": "1\u{7}"}), "student.stateStudentId"),
        (json!({"firstName": "A", "lastName": "B", "dateOfBirth": "2011-02-30"}), "student"),
        (json!({"firstName": "A", "lastName": "B", "ssn": "1"}), "student"),
    ] {
        let r = app.post("u-sue", "/v1/record-requests", ask(bad.clone())).await;
        assert!(r.is_problem(400, "validation_failed"), "{bad}: {:?}", r.body);
        assert!(r.body["errors"][0]["field"].as_str().unwrap().starts_with(field), "{bad}: {:?}", r.body);
    }
    let mut long_notes = ask(student.clone());
    long_notes["notes"] = json!("x".repeat(2_001));
    assert!(app.post("u-sue", "/v1/record-requests", long_notes).await.is_problem(400, "validation_failed"));
    for q in ["direction=sideways", "direction=incoming&status=lost", "direction=incoming&overdue=maybe", ""] {
        assert!(
            app.get("u-sue", &format!("/v1/record-requests?{q}")).await.is_problem(400, "validation_failed"),
            "{q}"
        );
    }
    let r = app.post("u-sue", "/v1/record-requests", ask(student)).await;
    let id = r.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    for body in [json!({"reason": "lost"}), json!({}), json!({"reason": "other", "detail": "x".repeat(2_001)})] {
        assert!(app
            .post("u-ann", &format!("/v1/record-requests/{id}/decline"), body)
            .await
            .is_problem(400, "validation_failed"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_from_the_request_fulfils_it_in_the_same_transaction() {
    let app = app_with_rule().await;
    let asked =
        app.post("u-sue", "/v1/record-requests", ask(json!({"firstName": "Jordan", "lastName": "Student1"}))).await;
    let id = asked.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    let send = |to: &str, case: &str, request: &str| json!({"destinationDistrictId": to, "caseIds": [case], "recordRequestId": request});
    // Only the recipient, only to the requester, only an open (or already fulfilled) request; a refused
    // send sends nothing.
    for (user, body) in [
        ("u-ann", send("d-east", "c-n1", &id)),
        ("u-ann", send(SOUTH, "c-n1", "rr-nosuchrequest")),
        ("u-sue", send(NORTH, "c-s1", &id)),
    ] {
        let r = app.post(user, "/v1/transfers", body.clone()).await;
        if body["destinationDistrictId"] == "d-east" {
            // East has transfers OFF: no destination at all.
            assert!(r.is_problem(409, "destination_unavailable"), "{:?}", r.body);
        } else {
            assert!(r.is_problem(409, "record_request_mismatch"), "{user} {body}: {:?}", r.body);
        }
    }
    assert!(app.case("u-ann", "c-n1").await.body.get("pendingTransferId").is_none(), "nothing was sent");
    let r = app.post("u-ann", "/v1/transfers", send(SOUTH, "c-n1", &id)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let transfer = r.body["transfer"]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["transfer"]["recordRequestId"], json!(id));
    let fulfilled = app.get("u-sue", &format!("/v1/record-requests/{id}")).await.body;
    assert_eq!(
        (fulfilled["status"].clone(), fulfilled["transferIds"].clone()),
        (json!("fulfilled"), json!([transfer]))
    );
    assert_eq!(fulfilled["events"][0]["type"], "fulfilled");
    assert_eq!(fulfilled["decidedBy"]["id"], "u-ann");
    // A second send answers the same request (records found later).
    let r = app.post("u-ann", "/v1/transfers", send(SOUTH, "c-n2", &id)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(
        app.get("u-sue", &format!("/v1/record-requests/{id}")).await.body["transferIds"].as_array().unwrap().len(),
        2
    );
    // A declined one cannot be fulfilled.
    let other = app.post("u-sue", "/v1/record-requests", ask(json!({"firstName": "A", "lastName": "B"}))).await;
    let other = other.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    app.post("u-ann", &format!("/v1/record-requests/{other}/decline"), json!({"reason": "no_records"})).await;
    assert!(app
        .post("u-ann", "/v1/transfers", send(SOUTH, "c-n3", &other))
        .await
        .is_problem(409, "record_request_mismatch"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_side_is_told_by_the_outbox_never_the_students_name() {
    let app = app_with_rule().await;
    let jordan = json!({"firstName": "Jordan", "lastName": "Reyesmith", "dateOfBirth": "2011-03-14", "stateStudentId": "S-998877"});
    let asked = app.post("u-sue", "/v1/record-requests", ask(jordan.clone())).await;
    let id = asked.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    let due = asked.body["recordRequest"]["dueDate"].as_str().unwrap().to_owned();
    let notes_of = |user: &'static str| {
        let app = &app;
        async move { app.get(user, "/v1/notifications").await.body["items"].as_array().unwrap().clone() }
    };
    for user in ["u-ann", "u-nia"] {
        let notes = notes_of(user).await;
        assert_eq!(
            (notes[0]["type"].clone(), notes[0]["recordRequestId"].clone()),
            (json!("record_requested"), json!(id)),
            "{user}"
        );
        assert!(notes[0].get("transferId").is_none());
        assert!(notes[0]["link"].as_str().unwrap().ends_with(&format!("/record-requests/{id}")));
    }
    assert!(notes_of("u-eve").await.is_empty(), "another district: not told");
    let mail = app.app.mailer.local_mail();
    let to: Vec<&str> = mail.iter().map(|m| m.to.as_str()).collect();
    for address in ["ann@north.example", "nia@north.example", "safety@north.example"] {
        assert!(to.contains(&address), "{address}: {to:?}");
    }
    // The due date, in the subject, as a person reads it.
    let date = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap().format("%B %-d, %Y").to_string();
    assert!(mail.iter().any(|m| m.subject.contains(&date)), "{date}");

    let r = app
        .post(
            "u-ann",
            &format!("/v1/record-requests/{id}/decline"),
            json!({"reason": "not_our_student", "detail": "Reyesmith left in 2019"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let sue = notes_of("u-sue").await;
    assert_eq!(sue[0]["type"], "record_request_declined");
    assert_eq!(notes_of("u-sid").await[0]["type"], "record_request_declined", "the requester's other managers too");
    let mail = app.app.mailer.local_mail();
    assert!(mail.iter().any(|m| m.to == "sue@south.example" && m.subject.contains("declined")));
    assert!(!mail.iter().any(|m| m.to == "sid@south.example"), "in-app only for the others");
    for m in &mail {
        for secret in ["Jordan", "Reyesmith", "2011-03-14", "S-998877", "2019"] {
            assert!(!m.text.contains(secret) && !m.subject.contains(secret), "{secret} in a mail to {}", m.to);
        }
    }

    // Withdrawn: the recipient is told in the portal only.
    let second = app.post("u-sue", "/v1/record-requests", ask(jordan)).await;
    let second = second.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    let before = app.app.mailer.local_mail().len();
    app.post("u-sue", &format!("/v1/record-requests/{second}/withdraw"), json!({})).await;
    assert_eq!(notes_of("u-ann").await[0]["type"], "record_request_withdrawn");
    assert_eq!(app.app.mailer.local_mail().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_once_each_however_many_sweeps_race() {
    let app = app_with_rule().await;
    let r = app.post("u-sue", "/v1/record-requests", ask(json!({"firstName": "A", "lastName": "B"}))).await;
    let id = r.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    let due_at =
        chrono::DateTime::parse_from_rfc3339(r.body["recordRequest"]["dueAt"].as_str().unwrap()).unwrap().to_utc();
    // A decided request is never reminded.
    let r = app.post("u-sue", "/v1/record-requests", ask(json!({"firstName": "C", "lastName": "D"}))).await;
    let decided = r.body["recordRequest"]["id"].as_str().unwrap().to_owned();
    app.post("u-ann", &format!("/v1/record-requests/{decided}/decline"), json!({"reason": "no_records"})).await;
    let sweep = || shared::ops::reminders::remind(&app.app);
    assert_eq!(sweep().await.unwrap(), 0, "nothing due yet");

    // The start of the due date (a few minutes into it): "due soon", once, whoever sweeps.
    app.app.clock.advance(due_at - Utc::now() - Duration::seconds(86_000));
    let (a, b, c) = tokio::join!(sweep(), sweep(), sweep());
    assert_eq!(a.unwrap() + b.unwrap() + c.unwrap(), 1, "three sweepers, one reminder");
    assert_eq!(sweep().await.unwrap(), 0);
    app.deliver().await.expect("the stream delivers");
    let events = |id: String| {
        let app = &app;
        async move {
            let body = app.get("u-ann", &format!("/v1/record-requests/{id}")).await.body;
            body["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["type"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(events(id.clone()).await, ["due_soon", "created"]);
    let ann = app.get("u-ann", "/v1/notifications").await.body;
    assert_eq!(ann["items"][0]["type"], "record_request_due_soon");

    // Past the end of the due date: "overdue", once, to both sides.
    app.app.clock.advance(Duration::days(1));
    let (a, b) = tokio::join!(sweep(), sweep());
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(sweep().await.unwrap(), 0);
    app.deliver().await.expect("the stream delivers");
    assert_eq!(events(id.clone()).await, ["overdue", "due_soon", "created"]);
    assert_eq!(app.get("u-sue", "/v1/notifications").await.body["items"][0]["type"], "record_request_overdue");
    let mail = app.app.mailer.local_mail();
    assert!(mail.iter().any(|m| m.to == "safety@north.example" && m.subject.contains("overdue")));
    assert!(mail.iter().any(|m| m.to == "sue@south.example" && m.subject.contains("overdue")));
    assert_eq!(events(decided).await, ["declined", "created"]);
    // Weeks later, nothing more.
    app.app.clock.advance(Duration::days(30));
    assert_eq!(sweep().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_makes_a_retry_the_same_request() {
    let app = app_with_rule().await;
    let body = ask(json!({"firstName": "Retry", "lastName": "Once"}));
    let post = |body: Value, key: &'static str| {
        let app = &app;
        async move {
            app.request("POST", Some("u-sue"), "/v1/record-requests", Some(body), &[("Idempotency-Key", key)]).await
        }
    };
    let first = post(body.clone(), "ask-retry-once").await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = post(body.clone(), "ask-retry-once").await;
    assert_eq!(again.status, 200, "a replay: {:?}", again.body);
    assert_eq!(again.body["recordRequest"]["id"], first.body["recordRequest"]["id"]);
    assert_eq!(
        app.get("u-ann", "/v1/record-requests?direction=incoming").await.body["items"].as_array().unwrap().len(),
        1
    );
    let other = post(ask(json!({"firstName": "Someone", "lastName": "Else"})), "ask-retry-once").await;
    assert!(other.is_problem(409, "idempotency_key_reused"), "{:?}", other.body);
    // Another district's same key is its own.
    let east = app
        .request(
            "POST",
            Some("u-ann"),
            "/v1/record-requests",
            Some(json!({"recipientDistrictId": SOUTH, "student": {"firstName": "A", "lastName": "B"}})),
            &[("Idempotency-Key", "ask-retry-once")],
        )
        .await;
    assert_eq!(east.status, 201, "{:?}", east.body);
    let bad = post(body, "has space").await;
    assert!(bad.is_problem(400, "validation_failed"));
}
