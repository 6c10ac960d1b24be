//! The receiving desk (issue 18, api.md v1.2 "Matching and assignment"): what the HTTP contract adds
//! for a coordinator who decides.

mod matching;

use e2e::fixture::SOUTH;
use e2e::spawn_app;
use serde_json::{json, Value};

fn ids(entries: &[Value]) -> Vec<String> {
    entries.iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_reads_newest_first_across_its_parts_and_a_cursor_keeps_its_order() {
    let app = spawn_app().await;
    // North's case goes to South, which accepts it: South's case inherits North's part, with the
    // disclosure North recorded, and has a part of its own.
    let (t, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let r = app.accept_all("u-sue", &t, &code, &["c-n1"]).await;
    let created = r.body["createdCases"][0]["caseId"].as_str().unwrap().to_owned();
    // South writes a note of its own on it: a second part, after the inherited one.
    let number = r.body["createdCases"][0]["caseNumber"].clone();
    let file = json!({"districts": [{"id": SOUTH, "name": "South County Schools", "transfersEnabled": true}],
        "cases": [{"id": created, "districtId": SOUTH, "caseNumber": number,
                   "personOfConcern": {"firstName": "A", "lastName": "B"}, "building": "B", "teamName": "T",
                   "teamLeader": "L", "caseManager": "M", "status": "open", "openedAt": "2026-09-02T15:04:05Z",
                   "entries": [{"id": "e-south", "at": "2026-10-01T09:00:00Z", "type": "note", "author": "Sue",
                                "text": "Met the family."}]}]});
    assert!(matches!(
        portal::import::run(&app.app.store, &file.to_string()).await.unwrap(),
        portal::import::ImportOutcome::Imported(_)
    ));
    for (user, case) in [("u-ann", "c-n1"), ("u-sue", created.as_str())] {
        for limit in [1, 2, 100] {
            let path = |order: &str| format!("/v1/cases/{case}/entries?limit={limit}&order={order}");
            let oldest_first = app.all_entries(user, &path("asc")).await;
            let mut newest_first = app.all_entries(user, &path("desc")).await;
            assert!(oldest_first.len() >= 4, "{case}: {oldest_first:?}");
            newest_first.reverse();
            assert_eq!(ids(&newest_first), ids(&oldest_first), "{case}, {limit} a page");
            let default = app.all_entries(user, &format!("/v1/cases/{case}/entries?limit={limit}")).await;
            assert_eq!(ids(&default), ids(&oldest_first), "asc is the default");
        }
        // The newest entry of the sent case is its disclosure.
        if user == "u-ann" {
            let first = app.get(user, &format!("/v1/cases/{case}/entries?order=desc&limit=1")).await;
            assert_eq!(first.body["items"][0]["type"], "transfer", "{:?}", first.body);
        }
        // A cursor of one order is refused by the other.
        let asc = app.get(user, &format!("/v1/cases/{case}/entries?limit=1")).await;
        let cursor = asc.body["nextCursor"].as_str().unwrap();
        let r = app.get(user, &format!("/v1/cases/{case}/entries?limit=1&order=desc&cursor={cursor}")).await;
        assert!(r.is_problem(400, "validation_failed"), "{:?}", r.body);
        let r = app.get(user, &format!("/v1/cases/{case}/entries?order=newest")).await;
        assert!(r.is_problem(400, "validation_failed"));
        assert_eq!(r.body["errors"][0]["field"], "order");
    }
    // The frozen copy too.
    let path = |order: &str| format!("/v1/transfers/{t}/cases/c-n1/entries?limit=2&order={order}");
    let asc = app.all_entries("u-sue", &path("asc")).await;
    let mut desc = app.all_entries("u-sue", &path("desc")).await;
    desc.reverse();
    assert_eq!(ids(&desc), ids(&asc));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_destination_knows_whom_to_call_about_the_code() {
    let app = spawn_app().await;
    let ann = |phone: &str| {
        json!({"districts": [{"id": "d-north", "name": "North Unified", "transfersEnabled": true}],
               "users": [{"id": "u-ann", "districtId": "d-north", "name": "Ann North", "email": "ann@north.example",
                          "phone": phone, "permissions": ["manage_cases"]}]})
    };
    for bad in ["5".repeat(41), String::new(), "555\u{7}0100".into()] {
        match portal::import::run(&app.app.store, &ann(&bad).to_string()).await.unwrap() {
            portal::import::ImportOutcome::Rejected(p) => assert_eq!(p[0].path, "$.users[0].phone", "{bad:?}"),
            portal::import::ImportOutcome::Imported(_) => panic!("{bad:?} imported"),
        }
    }
    // Ann exists: her phone comes in only when the import is told to write users over (an import
    // never silently reverts what an administrator changed).
    let overwrite = shared::store::import::ImportOptions { overwrite_users: true };
    let text = ann("+1 (555) 010-0199").to_string();
    let imported = portal::import::run_with(&app.app.store, &text, overwrite, &|_| {}).await.unwrap();
    assert!(matches!(imported, portal::import::ImportOutcome::Imported(_)));
    let (t, _) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let sender =
        json!({"id": "u-ann", "name": "Ann North", "email": "ann@north.example", "phone": "+1 (555) 010-0199"});
    for user in ["u-sue", "u-ann"] {
        assert_eq!(app.transfer(user, &t).await.body["createdBy"], sender, "{user}");
        let direction = if user == "u-sue" { "incoming" } else { "outgoing" };
        let list = app.get(user, &format!("/v1/transfers?direction={direction}")).await;
        assert_eq!(list.body["items"][0]["createdBy"], sender);
    }
    // A sender without a phone: the field is absent, never empty.
    let (t, _) = app.sent("u-nia", &["c-n2"], SOUTH).await;
    let created_by = app.transfer("u-sue", &t).await.body["createdBy"].clone();
    assert_eq!(created_by, json!({"id": "u-nia", "name": "Nia North", "email": "nia@north.example"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_rows_tell_requests_apart_and_filter_by_the_other_district() {
    let app = spawn_app().await;
    assert_eq!(app.set_transfers("u-eve", true).await.status, 200);
    let (to_south, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    app.sent("u-ann", &["c-n3"], SOUTH).await;
    app.sent("u-ann", &["c-n4"], e2e::fixture::EAST).await;
    let outgoing = app.get("u-ann", "/v1/transfers?direction=outgoing").await.body;
    let row = outgoing["items"].as_array().unwrap().iter().find(|r| r["id"] == to_south.as_str()).unwrap().clone();
    assert_eq!(row["caseNumbers"], json!(["2026-0001", "2026-0002"]));
    assert_eq!(
        row["persons"],
        json!([{"firstName": "Jordan", "lastName": "Student1"},
                                      {"firstName": "Avery", "lastName": "Student2"}])
    );
    // The destination sees who and which only after a right code.
    let incoming = async || app.get("u-sue", "/v1/transfers?direction=incoming").await.body;
    let before = incoming().await;
    let row = before["items"].as_array().unwrap().iter().find(|r| r["id"] == to_south.as_str()).unwrap().clone();
    assert!(row.get("caseNumbers").is_none() && row.get("persons").is_none(), "{row}");
    assert_eq!(app.verify("u-sue", &to_south, &code).await.status, 200);
    let after = incoming().await;
    let row = after["items"].as_array().unwrap().iter().find(|r| r["id"] == to_south.as_str()).unwrap().clone();
    assert_eq!(row["caseNumbers"], json!(["2026-0001", "2026-0002"]));

    let count = |body: Value| body["items"].as_array().unwrap().len();
    let out = |other: &str| format!("/v1/transfers?direction=outgoing&otherDistrictId={other}");
    assert_eq!(count(app.get("u-ann", &out(SOUTH)).await.body), 2);
    assert_eq!(count(app.get("u-ann", &out("d-east")).await.body), 1);
    assert_eq!(count(app.get("u-ann", &out("d-nowhere")).await.body), 0);
    assert_eq!(count(app.get("u-ann", &format!("{}&status=pending&limit=1", out(SOUTH))).await.body), 1);
    let paged = app.all_entries("u-ann", &format!("{}&limit=1", out(SOUTH))).await;
    assert_eq!(paged.len(), 2, "paged through the filter");
    assert_eq!(count(app.get("u-sue", "/v1/transfers?direction=incoming&otherDistrictId=d-north").await.body), 2);
    assert_eq!(count(app.get("u-sue", "/v1/transfers?direction=incoming&otherDistrictId=d-east").await.body), 0);
    let r = app.get("u-ann", &out("a%23b")).await;
    assert!(r.is_problem(400, "validation_failed"));
    assert_eq!(r.body["errors"][0]["field"], "otherDistrictId");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_case_is_decided_on_its_own_and_a_declined_one_goes_back_to_its_sender() {
    let app = spawn_app().await;
    let (t, code) = app.sent("u-ann", &["c-n1", "c-n2", "c-n3"], SOUTH).await;
    let path = format!("/v1/transfers/{t}/accept");
    let accept = |decisions: Value| json!({"authCode": code, "decisions": decisions});
    let take = |id: &str| json!({"sourceCaseId": id, "link": {"type": "transfer_info"}});
    let decline = |id: &str, reason: &str| json!({"sourceCaseId": id, "decline": {"reason": reason}});

    // Refused before anything happens: every case declined (that is a rejection), a bad reason, a
    // decision that both takes and declines.
    let all_declined = json!([decline("c-n1", "a"), decline("c-n2", "b"), decline("c-n3", "c")]);
    assert!(app.post("u-sue", &path, accept(all_declined)).await.is_problem(422, "decisions_mismatch"));
    for (reason, why) in [("x".repeat(2_001), "too long"), ("bell\u{7}".into(), "control"), ("  ".into(), "blank")] {
        let r = app.post("u-sue", &path, accept(json!([take("c-n1"), decline("c-n2", &reason), take("c-n3")]))).await;
        assert!(r.is_problem(400, "validation_failed"), "{why}: {:?}", r.body);
        assert_eq!(r.body["errors"][0]["field"], "decisions[1].decline.reason", "{why}");
    }
    let both = json!({"sourceCaseId": "c-n2", "link": {"type": "transfer_info"}, "decline": {"reason": "r"}});
    let r = app.post("u-sue", &path, accept(json!([take("c-n1"), both, take("c-n3")]))).await;
    assert!(r.is_problem(400, "validation_failed"));
    assert_eq!(r.body["errors"][0]["field"], "decisions[1]");
    assert_eq!(app.transfer("u-sue", &t).await.body["attemptsRemaining"], 5, "no attempt was counted");

    let linked = json!({"sourceCaseId": "c-n3", "link": {"type": "sis", "studentId": "s-100"}});
    let r =
        app.post("u-sue", &path, accept(json!([take("c-n1"), decline("c-n2", "Never enrolled here"), linked]))).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let created = r.body["createdCases"].as_array().unwrap().clone();
    assert_eq!(created.iter().map(|c| c["sourceCaseId"].as_str().unwrap()).collect::<Vec<_>>(), ["c-n1", "c-n3"]);
    let numbers: Vec<&str> = created.iter().map(|c| c["caseNumber"].as_str().unwrap()).collect();
    assert_eq!(numbers, [app.case_number(8), app.case_number(9)], "consecutive, declined ones take none");

    // Both sides see each case's outcome.
    for user in ["u-sue", "u-ann"] {
        let cases = app.transfer(user, &t).await.body["cases"].clone();
        let outcome = |i: usize| (cases[i]["outcome"].clone(), cases[i].get("declineReason").cloned());
        assert_eq!(outcome(0), (json!("accepted"), None), "{user}");
        assert_eq!(outcome(1), (json!("declined"), Some(json!("Never enrolled here"))), "{user}");
        assert_eq!(outcome(2), (json!("accepted"), None), "{user}");
        let events = app.transfer(user, &t).await.body["events"].clone();
        let returned = events.as_array().unwrap().iter().find(|e| e["type"] == "returned").expect("a returned event");
        assert!(returned["detail"].as_str().unwrap().contains("2026-0002"), "{returned}");
    }
    // The declined case is North's again, as before the send (its contents were revealed: the
    // disclosure stays on its history), and can be sent again; the others moved.
    let back = app.case("u-ann", "c-n2").await.body;
    assert_eq!(back["status"], "open");
    assert!(back.get("pendingTransferId").is_none() && back.get("transferredTo").is_none(), "{back}");
    let history = app.history("u-ann", "c-n2").await;
    assert!(history.iter().any(|e| e["type"] == "transfer"), "the disclosure is recorded");
    assert_eq!(app.case("u-ann", "c-n1").await.body["status"], "transferred_out");
    assert_eq!(app.case("u-ann", "c-n3").await.body["status"], "transferred_out");
    assert_eq!(app.send("u-ann", &["c-n2"], SOUTH).await.status, 201, "sendable again");
    // The sender's notification counts both.
    let notes = app.get("u-ann", "/v1/notifications").await.body;
    let title = notes["items"].as_array().unwrap().iter().find(|n| n["type"] == "accepted").unwrap()["title"].clone();
    assert!(title.as_str().unwrap().contains("accepted 2 and declined 1"), "{title}");
    let mail = app.app.mailer.local_mail();
    assert!(mail.iter().any(|m| m.subject.contains("accepted 2 and declined 1")));
    assert!(mail.iter().all(|m| !m.text.contains("Never enrolled here")), "a reason is free text: never emailed");
}
