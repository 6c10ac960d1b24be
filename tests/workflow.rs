//! The seed's workflow end to end, over HTTP against the local API, as district users meet it.

use e2e::fixture::{EAST, NORTH, SOUTH};
use e2e::spawn_app;
use serde_json::{json, Value};

fn ids(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_toggle_records_who_switched_it_and_decides_the_destination_list() {
    let app = spawn_app().await;
    let r = app.get("u-eve", "/v1/settings/transfers").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["enabled"], false);
    assert_eq!(r.body["districtId"], EAST);

    // North sees South only: never itself, never a district with the toggle OFF.
    let r = app.get("u-ann", "/v1/districts?transfersEnabled=true").await;
    assert_eq!(ids(&r.body["items"]), vec![SOUTH]);

    let r = app.set_transfers("u-eve", true).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["enabled"], true);
    assert_eq!(r.body["updatedBy"], "u-eve");
    assert!(r.body["updatedAt"].as_str().unwrap().ends_with('Z'));
    let r = app.get("u-ann", "/v1/districts?transfersEnabled=true").await;
    let mut got = ids(&r.body["items"]);
    got.sort();
    assert_eq!(got, vec![EAST, SOUTH]);

    app.set_transfers("u-sue", false).await;
    let r = app.get("u-ann", "/v1/districts?transfersEnabled=true").await;
    assert_eq!(ids(&r.body["items"]), vec![EAST]);
    // Without the filter: every other district, ON or OFF (a records request may go to any).
    let r = app.get("u-ann", "/v1/districts").await;
    assert_eq!(ids(&r.body["items"]), vec![EAST, SOUTH]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_search_matches_every_field_partially_and_ignores_case() {
    let app = spawn_app().await;
    for (q, expect_some) in [
        ("2026-0001", "c-n1"),
        ("JORDAN", "c-n1"),
        ("student1", "c-n1"),
        ("lincoln middle", "c-n2"),
        ("north high team", "c-n1"),
        ("dana", "c-n2"),
        ("marcus", "c-n1"),
    ] {
        let r = app.get("u-ann", &format!("/v1/cases?q={}&limit=100", q.replace(' ', "%20"))).await;
        assert_eq!(r.status, 200, "{q}");
        assert!(ids(&r.body["items"]).contains(&expect_some.to_string()), "{q}: {:?}", r.body);
    }
    // Another district's cases never show.
    let r = app.get("u-ann", "/v1/cases?q=southard").await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 0);
    let r = app.get("u-ann", "/v1/cases?status=closed").await;
    assert_eq!(ids(&r.body["items"]), vec!["c-n30"]);
    let r = app.get("u-ann", "/v1/cases?status=bogus").await;
    assert!(r.is_problem(400, "validation_failed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_cursors_and_a_forged_or_foreign_cursor_is_a_400() {
    let app = spawn_app().await;
    let mut seen = Vec::new();
    let mut path = "/v1/cases?limit=7".to_string();
    loop {
        let r = app.get("u-ann", &path).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        seen.extend(ids(&r.body["items"]));
        match r.body["nextCursor"].as_str() {
            Some(c) => path = format!("/v1/cases?limit=7&cursor={c}"),
            None => break,
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 30);

    let r = app.get("u-ann", "/v1/cases?limit=2").await;
    let cursor = r.body["nextCursor"].as_str().unwrap().to_owned();
    // The same cursor, used by another district, or with another query, or edited.
    assert!(app.get("u-sue", &format!("/v1/cases?limit=2&cursor={cursor}")).await.is_problem(400, "validation_failed"));
    assert!(app
        .get("u-ann", &format!("/v1/cases?limit=2&q=x&cursor={cursor}"))
        .await
        .is_problem(400, "validation_failed"));
    let forged = format!("{}x", cursor);
    assert!(app.get("u-ann", &format!("/v1/cases?limit=2&cursor={forged}")).await.is_problem(400, "validation_failed"));
    assert!(app.get("u-ann", "/v1/cases?limit=0").await.is_problem(400, "validation_failed"));
    assert!(app.get("u-ann", "/v1/cases?limit=101").await.is_problem(400, "validation_failed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_send_shows_the_code_once_and_hides_contents_from_the_destination() {
    let app = spawn_app().await;
    let r = app.send("u-ann", &["c-n1", "c-n2", "c-n3"], SOUTH).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let code = r.body["authCode"].as_str().unwrap();
    assert_eq!(code.len(), 11, "two groups of five: {code}");
    assert_eq!(&code[5..6], "-");
    let t = &r.body["transfer"];
    assert_eq!(t["status"], "pending");
    assert_eq!(t["direction"], "outgoing");
    assert_eq!(t["caseCount"], 3);
    assert_eq!(t["attemptsRemaining"], 5);
    let id = t["id"].as_str().unwrap();

    // The cases now show their pending transfer, and cannot be sent again.
    let r = app.get("u-ann", "/v1/cases?q=2026-0001").await;
    assert_eq!(r.body["items"][0]["pendingTransferId"], id);
    let one = app.case("u-ann", "c-n1").await;
    assert_eq!(one.body["pendingTransferId"], id);
    assert!(one.body.get("pendingTransfer").is_none(), "{:?}", one.body);
    let r = app.send("u-ann", &["c-n1", "c-n4"], SOUTH).await;
    assert!(r.is_problem(409, "case_not_transferable"), "{:?}", r.body);
    assert_eq!(r.body["caseIds"], json!(["c-n1"]));

    // The destination's list: metadata, no contents, never the code.
    let r = app.get("u-sue", "/v1/transfers?direction=incoming").await;
    assert_eq!(r.status, 200);
    let item = &r.body["items"][0];
    assert_eq!(item["id"], id);
    assert_eq!(item["direction"], "incoming");
    assert_eq!(item["sourceDistrict"]["name"], "North Unified");
    assert_eq!(item["createdBy"]["name"], "Ann North");
    assert_eq!(item["notes"], "Family moved; please call our team.");
    assert!(item.get("cases").is_none());
    let details = app.transfer("u-sue", id).await;
    assert!(details.body.get("cases").is_none(), "{:?}", details.body);
    assert!(!details.body.to_string().contains(code));
    assert!(!details.body.to_string().contains("Jordan"));
    // The source sees its snapshots and the history of the request.
    let mine = app.transfer("u-ann", id).await;
    assert_eq!(mine.body["cases"].as_array().unwrap().len(), 3);
    assert_eq!(mine.body["cases"][0]["entryCount"], 3);
    assert!(mine.body["cases"][0].get("entries").is_none(), "history is paged, never inlined");
    assert!(mine.body["cases"][0].get("history").is_none(), "where it is stored is the portal's business");
    let frozen = app.all_entries("u-ann", &format!("/v1/transfers/{id}/cases/c-n1/entries?limit=2")).await;
    assert_eq!(frozen.len(), 3);
    // Before the code, the destination cannot page it: as if the case were not there.
    let hidden = app.get("u-sue", &format!("/v1/transfers/{id}/cases/c-n1/entries")).await;
    assert!(hidden.is_problem(404, "not_found"), "{:?}", hidden.body);
    let other = app.get("u-eve", &format!("/v1/transfers/{id}/cases/c-n1/entries")).await;
    assert!(other.is_problem(404, "not_found"));
    assert_eq!(mine.body["events"][0]["type"], "created");
    assert!(!mine.body.to_string().contains(code));
    let out = app.get("u-ann", "/v1/transfers?direction=outgoing&status=pending").await;
    assert_eq!(ids(&out.body["items"]), vec![id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_refuses_what_the_rules_forbid() {
    let app = spawn_app().await;
    assert!(app.send("u-ann", &["c-n1"], NORTH).await.is_problem(409, "destination_unavailable"));
    assert!(app.send("u-ann", &["c-n1"], EAST).await.is_problem(409, "destination_unavailable"));
    assert!(app.send("u-ann", &["c-n1"], "d-nowhere").await.is_problem(409, "destination_unavailable"));
    assert!(app.send("u-eve", &["c-e1"], SOUTH).await.is_problem(409, "transfers_disabled"));
    assert!(app.send("u-ann", &["c-s1"], SOUTH).await.is_problem(404, "not_found"));
    let many: Vec<String> = (1..=26).map(|i| format!("c-n{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert!(app.send("u-ann", &many, SOUTH).await.is_problem(400, "validation_failed"));
    let r = app
        .post(
            "u-ann",
            "/v1/transfers",
            json!({"destinationDistrictId": SOUTH, "caseIds": ["c-n1"], "notes": "x".repeat(2001)}),
        )
        .await;
    assert!(r.is_problem(400, "validation_failed"));
    assert_eq!(r.body["errors"][0]["field"], "notes");
    // Twenty-five is allowed.
    assert_eq!(app.send("u-ann", &many[..25], SOUTH).await.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_lock_until_the_sender_regenerates() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    for remaining in (0..5).rev() {
        let r = app.verify("u-sue", &id, "WRONG-CODE1").await;
        assert!(r.is_problem(422, "invalid_auth_code"), "{:?}", r.body);
        assert_eq!(r.body["attemptsRemaining"], remaining);
    }
    let r = app.verify("u-sue", &id, &code).await;
    assert!(r.is_problem(423, "auth_code_locked"), "{:?}", r.body);
    assert!(app.accept_all("u-sue", &id, &code, &["c-n1"]).await.is_problem(423, "auth_code_locked"));
    let r = app.transfer("u-ann", &id).await;
    assert_eq!(r.body["locked"], true);
    let kinds: Vec<&str> = r.body["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "code_failed").count(), 4);
    assert!(kinds.contains(&"code_locked"));

    // Only the sender can issue a new code; the old one is dead, attempts are back to five.
    assert!(app.post("u-sue", &format!("/v1/transfers/{id}/code"), json!({})).await.is_problem(403, "forbidden"));
    let r = app.post("u-ann", &format!("/v1/transfers/{id}/code"), json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let fresh = r.body["authCode"].as_str().unwrap().to_owned();
    assert_ne!(fresh, code);
    let r = app.verify("u-sue", &id, &code).await;
    assert!(r.is_problem(422, "invalid_auth_code"));
    assert_eq!(r.body["attemptsRemaining"], 4);
    // Case, spaces and dashes do not matter.
    let typed = fresh.to_lowercase().replace('-', " ");
    let r = app.verify("u-sid", &id, &typed).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["cases"][0]["personOfConcern"]["firstName"], "Jordan");
    // Once verified, anyone of the destination district sees the contents.
    assert_eq!(app.transfer("u-sue", &id).await.body["cases"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_moves_cases_with_history_and_provenance_on_both_sides() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    let decisions = json!([
        {"sourceCaseId": "c-n1", "link": {"type": "sis", "studentId": "s-100"}},
        {"sourceCaseId": "c-n2", "link": {"type": "transfer_info"}}
    ]);
    // A decision per case, exactly; students of the destination only.
    let r = app.accept("u-sue", &id, &code, json!([{"sourceCaseId": "c-n1", "link": {"type": "transfer_info"}}])).await;
    assert!(r.is_problem(422, "decisions_mismatch"), "{:?}", r.body);
    let r = app
        .accept(
            "u-sue",
            &id,
            &code,
            json!([
                {"sourceCaseId": "c-n1", "link": {"type": "sis", "studentId": "s-900"}},
                {"sourceCaseId": "c-n2", "link": {"type": "transfer_info"}}
            ]),
        )
        .await;
    assert!(r.is_problem(422, "student_not_found"), "{:?}", r.body);
    let wrong_side = app.accept("u-ann", &id, &code, decisions.clone()).await;
    assert!(wrong_side.is_problem(403, "forbidden"));
    assert_eq!(wrong_side.body["title"], "only the receiving district can do this to a transfer request");

    let r = app.accept("u-sue", &id, &code, decisions).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["transfer"]["status"], "accepted");
    let created = r.body["createdCases"].as_array().unwrap();
    assert_eq!(created.len(), 2);
    // South's own sequence continues after its 2026-0007.
    assert_eq!(created[0]["caseNumber"], app.case_number(8).as_str());
    assert_eq!(created[1]["caseNumber"], app.case_number(9).as_str());

    let linked = app.case("u-sue", created[0]["caseId"].as_str().unwrap()).await;
    assert_eq!(linked.status, 200, "{:?}", linked.body);
    assert_eq!(linked.body["personOfConcern"]["studentId"], "s-100");
    assert_eq!(linked.body["provenance"]["fromDistrict"]["id"], NORTH);
    assert_eq!(linked.body["provenance"]["sourceCaseNumber"], "2026-0001");
    assert_eq!(linked.body["provenance"]["transferId"], id.as_str());
    assert_eq!(linked.body["entryCount"], 3);
    assert!(linked.body.get("inheritedHistory").is_none(), "where it is read from is the portal's business");
    assert_eq!(
        app.history("u-sue", created[0]["caseId"].as_str().unwrap()).await.len(),
        3,
        "the full history came along"
    );
    let from_info = app.case("u-sue", created[1]["caseId"].as_str().unwrap()).await;
    assert_eq!(from_info.body["personOfConcern"]["lastName"], "Student2");
    assert!(from_info.body["personOfConcern"].get("studentId").is_none());

    // The source keeps its record, read-only, with where it went and the disclosure on its history.
    let source = app.case("u-ann", "c-n1").await;
    assert_eq!(source.body["status"], "transferred_out");
    assert_eq!(source.body["transferredTo"]["district"]["id"], SOUTH);
    assert_eq!(source.body["transferredTo"]["caseNumber"], app.case_number(8).as_str());
    assert_eq!(source.body["entryCount"], 4, "three entries and the disclosure");
    let last = app.history("u-ann", "c-n1").await.last().unwrap().clone();
    assert_eq!(last["type"], "transfer");
    assert!(last["text"].as_str().unwrap().contains("South County Schools"));
    assert!(app.send("u-ann", &["c-n1"], SOUTH).await.is_problem(409, "case_not_transferable"));
    // A decided request cannot be decided again.
    let again = app.accept_all("u-sue", &id, &code, &["c-n1", "c-n2"]).await;
    assert!(again.is_problem(409, "transfer_not_pending"), "{:?}", again.body);
    assert_eq!(again.body["currentStatus"], "accepted");
    assert!(app.cancel("u-ann", &id, None).await.is_problem(409, "transfer_not_pending"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_sent_on_again_carries_every_district_s_part_of_its_history() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let r = app.accept_all("u-sue", &id, &code, &["c-n1"]).await;
    let at_south = r.body["createdCases"][0]["caseId"].as_str().unwrap().to_owned();
    let from_north = app.history("u-sue", &at_south).await;
    assert_eq!(from_north.len(), 3);
    // South sends it on to East: East sees North's part, then South's (nothing of its own yet).
    assert_eq!(app.set_transfers("u-eve", true).await.status, 200);
    let (onward, code) = app.sent("u-sue", &[&at_south], EAST).await;
    assert_eq!(app.verify("u-eve", &onward, &code).await.status, 200);
    let frozen = app.all_entries("u-eve", &format!("/v1/transfers/{onward}/cases/{at_south}/entries?limit=2")).await;
    assert_eq!(frozen, from_north);
    // South's record now holds its disclosure to East; what East was sent does not change.
    let south_history = app.history("u-sue", &at_south).await;
    assert_eq!(south_history.len(), 4);
    assert!(south_history[3]["text"].as_str().unwrap().contains("East Valley District"));
    let r = app.accept_all("u-eve", &onward, &code, &[&at_south]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let at_east = r.body["createdCases"][0]["caseId"].as_str().unwrap();
    assert_eq!(app.case("u-eve", at_east).await.body["entryCount"], 3);
    assert_eq!(app.history("u-eve", at_east).await, from_north);
    // North's own history is North's: its disclosure to South, nothing of East.
    assert_eq!(app.history("u-ann", "c-n1").await.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reject_and_cancel_end_the_request_and_free_the_cases() {
    let app = spawn_app().await;
    let (id, _) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    assert!(app.reject("u-ann", &id, None).await.is_problem(403, "forbidden"));
    assert!(app.reject("u-eve", &id, None).await.is_problem(404, "not_found"));
    let r = app.reject("u-sue", &id, Some("Student did not enrol here.")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "rejected");
    assert_eq!(r.body["reason"], "Student did not enrol here.");
    assert_eq!(r.body["decidedBy"]["id"], "u-sue");

    let (id2, _) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    assert!(app.cancel("u-sue", &id2, None).await.is_problem(403, "forbidden"));
    let r = app.cancel("u-ann", &id2, Some("Sent by mistake")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "cancelled");
    let events = app.transfer("u-sue", &id2).await.body["events"].clone();
    assert_eq!(events[0]["type"], "cancelled", "newest first");
    assert_eq!(events[0]["actor"]["districtId"], NORTH);
    let r = app.get("u-ann", "/v1/transfers?direction=outgoing&status=cancelled").await;
    assert_eq!(ids(&r.body["items"]), vec![id2.clone()]);
    assert_eq!(app.send("u-ann", &["c-n1"], SOUTH).await.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_off_keeps_pending_requests_pending() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    app.set_transfers("u-sue", false).await;
    assert!(app.verify("u-sue", &id, &code).await.is_problem(409, "transfers_disabled"));
    assert!(app.accept_all("u-sue", &id, &code, &["c-n1"]).await.is_problem(409, "transfers_disabled"));
    assert_eq!(app.transfer("u-sue", &id).await.body["status"], "pending");
    app.set_transfers("u-sue", true).await;
    assert_eq!(app.accept_all("u-sue", &id, &code, &["c-n1"]).await.status, 200);

    // The sender switching OFF can still cancel.
    let (id2, _) = app.sent("u-ann", &["c-n2"], SOUTH).await;
    app.set_transfers("u-ann", false).await;
    assert_eq!(app.cancel("u-ann", &id2, None).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_accept_and_cancel_have_exactly_one_winner() {
    let app = spawn_app().await;
    for round in 0..4 {
        let case = format!("c-n{}", round + 1);
        let (id, code) = app.sent("u-ann", &[&case], SOUTH).await;
        let cases = [case.as_str()];
        let (a, c) = tokio::join!(app.accept_all("u-sue", &id, &code, &cases), app.cancel("u-ann", &id, None));
        let winners = [a.status, c.status].iter().filter(|s| **s == 200).count();
        assert_eq!(winners, 1, "accept {:?} / cancel {:?}", a.body, c.body);
        let loser = if a.status == 200 { &c } else { &a };
        assert!(loser.is_problem(409, "transfer_not_pending"), "{:?}", loser.body);
        let status = app.transfer("u-ann", &id).await.body["status"].clone();
        assert_eq!(status, if a.status == 200 { "accepted" } else { "cancelled" });
        assert_eq!(loser.body["currentStatus"], status);
        // Nothing half-done: the source case agrees with the request.
        let case_status = app.case("u-ann", &case).await.body["status"].clone();
        assert_eq!(case_status, if a.status == 200 { "transferred_out" } else { "open" });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_accepts_create_the_cases_once() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    let (a, b) = tokio::join!(
        app.accept_all("u-sue", &id, &code, &["c-n1", "c-n2"]),
        app.accept_all("u-sid", &id, &code, &["c-n1", "c-n2"])
    );
    assert_eq!([a.status, b.status].iter().filter(|s| **s == 200).count(), 1, "{:?} {:?}", a.body, b.body);
    let r = app.get("u-sue", "/v1/cases?q=student&limit=100").await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2, "exactly one set of new cases");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_is_visible_to_its_two_districts_only() {
    let app = spawn_app().await;
    app.set_transfers("u-eve", true).await;
    let (id, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    for r in [
        app.transfer("u-eve", &id).await,
        app.verify("u-eve", &id, &code).await,
        app.accept_all("u-eve", &id, &code, &["c-n1"]).await,
        app.cancel("u-eve", &id, None).await,
        app.post("u-eve", &format!("/v1/transfers/{id}/code"), json!({})).await,
        app.case("u-eve", "c-n1").await,
        app.transfer("u-eve", "t-does-not-exist").await,
    ] {
        assert!(r.is_problem(404, "not_found"), "{:?}", r.body);
    }
    assert!(app.get("u-eve", "/v1/transfers?direction=incoming").await.body["items"].as_array().unwrap().is_empty());
    assert!(app.get("u-eve", "/v1/transfers?direction=outgoing").await.body["items"].as_array().unwrap().is_empty());
    assert!(app.get("u-ann", "/v1/transfers?direction=incoming").await.body["items"].as_array().unwrap().is_empty());
    // SIS students are each district's own.
    let r = app.get("u-sue", "/v1/students?q=reyes").await;
    assert_eq!(ids(&r.body["items"]), vec!["s-100"]);
    assert!(app.get("u-ann", "/v1/students?q=reyes").await.body["items"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_comes_only_from_a_verified_token_and_the_user_record() {
    let app = spawn_app().await;
    let r = app.request("GET", None, "/v1/settings/transfers", None, &[]).await;
    assert!(r.is_problem(401, "unauthorized"), "{:?}", r);
    let forged = format!("{}x", app.token("u-ann"));
    let r = app
        .request("GET", None, "/v1/settings/transfers", None, &[("authorization", &format!("Bearer {forged}"))])
        .await;
    assert!(r.is_problem(401, "unauthorized"));
    // A valid signature for a user the table does not know.
    let ghost = shared::domain::User {
        id: "u-ghost".parse().unwrap(),
        district_id: NORTH.parse().unwrap(),
        name: "Ghost".into(),
        email: "g@north.example".into(),
        phone: None,
        permissions: vec![shared::domain::Permission::ManageCases],
        active: true,
        updated_at: None,
        updated_by: None,
    };
    let token = portal::token::mint(e2e::JWT_SECRET, &ghost, &e2e::config(), chrono::Duration::hours(1)).unwrap();
    let r = app
        .request("GET", None, "/v1/settings/transfers", None, &[("authorization", &format!("Bearer {token}"))])
        .await;
    assert!(r.is_problem(401, "unauthorized"));
    // A real user whose token claims another district.
    let mut liar = ghost.clone();
    liar.id = "u-ann".parse().unwrap();
    liar.district_id = SOUTH.parse().unwrap();
    let token = portal::token::mint(e2e::JWT_SECRET, &liar, &e2e::config(), chrono::Duration::hours(1)).unwrap();
    let r = app
        .request(
            "GET",
            None,
            "/v1/transfers?direction=incoming",
            None,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert!(r.is_problem(401, "unauthorized"));
    // Expired.
    let ann =
        shared::domain::User { id: "u-ann".parse().unwrap(), district_id: NORTH.parse().unwrap(), ..ghost.clone() };
    let token = portal::token::mint(e2e::JWT_SECRET, &ann, &e2e::config(), chrono::Duration::hours(-2)).unwrap();
    let r = app
        .request("GET", None, "/v1/settings/transfers", None, &[("authorization", &format!("Bearer {token}"))])
        .await;
    assert!(r.is_problem(401, "unauthorized"));
    // Known, but without Manage Cases.
    assert!(app.get("u-ned", "/v1/settings/transfers").await.is_problem(403, "forbidden"));
    assert!(app.send("u-ned", &["c-n1"], SOUTH).await.is_problem(403, "forbidden"));
    // A district field in the body is not a field at all.
    let r = app
        .post(
            "u-ann",
            "/v1/transfers",
            json!({"destinationDistrictId": SOUTH, "caseIds": ["c-n1"], "districtId": SOUTH}),
        )
        .await;
    assert!(r.is_problem(400, "validation_failed"));
    assert_eq!(app.request("GET", None, "/v1/health", None, &[]).await.body, json!({"status": "ok"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_problem_json_and_never_a_500() {
    let app = spawn_app().await;
    let (id, _) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let raw = |body: &'static str| {
        let app = &app;
        async move {
            app.http
                .post(format!("{}/v1/transfers", app.base))
                .bearer_auth(app.token("u-ann"))
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    for body in
        ["{", "[]", "null", "{\"caseIds\": \"c-n1\"}", "{\"destinationDistrictId\": 5, \"caseIds\": []}", "\u{0}"]
    {
        let r = raw(body).await;
        assert_eq!(r.status(), 400, "{body}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["code"], "validation_failed");
        assert!(p["errors"].as_array().is_some_and(|e| !e.is_empty()), "{p}");
        for k in ["type", "title", "status", "detail"] {
            assert!(p.get(k).is_some(), "{k} in {p}");
        }
    }
    let r = app.post("u-ann", "/v1/transfers", json!({"caseIds": ["c-n1"]})).await;
    assert_eq!(r.body["errors"][0]["field"], "destinationDistrictId");
    assert!(app.verify("u-sue", &id, "").await.is_problem(400, "validation_failed"));
    assert!(app
        .post("u-sue", &format!("/v1/transfers/{id}/accept"), json!({"authCode": "x"}))
        .await
        .is_problem(400, "validation_failed"));
    assert!(app.get("u-ann", "/v1/transfers").await.is_problem(400, "validation_failed"));
    assert!(app
        .get("u-ann", "/v1/transfers?direction=incoming&status=lost")
        .await
        .is_problem(400, "validation_failed"));
    assert!(app.get("u-ann", "/v1/districts?transfersEnabled=maybe").await.is_problem(400, "validation_failed"));
    assert!(app
        .put("u-ann", "/v1/settings/transfers", json!({"enabled": "yes"}))
        .await
        .is_problem(400, "validation_failed"));
    assert!(app.get("u-ann", "/v1/nowhere").await.is_problem(404, "not_found"));
    assert!(app.get("u-ann", "/v1/cases?limit=2&limit=3").await.is_problem(400, "validation_failed"));
    assert!(app.get("u-ann", "/v1/cases?limit=").await.is_problem(400, "validation_failed"));
    assert_eq!(app.get("u-ann", "/v1/cases?cursor=&q=").await.status, 200, "empty cursor: the first page");
    let r = app
        .request("POST", Some("u-ann"), "/v1/transfers", Some(json!({})), &[("idempotency-key", &"k".repeat(200))])
        .await;
    assert!(r.is_problem(400, "validation_failed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_makes_a_retried_send_safe() {
    let app = spawn_app().await;
    let body = json!({"destinationDistrictId": SOUTH, "caseIds": ["c-n1", "c-n2"]});
    let key = [("idempotency-key", "send-7f3a")];
    let first = app.request("POST", Some("u-ann"), "/v1/transfers", Some(body.clone()), &key).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = app.request("POST", Some("u-ann"), "/v1/transfers", Some(body), &key).await;
    // The same request, 200 and without a code: the code was shown once, and it still works.
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.body["transfer"]["id"], first.body["transfer"]["id"]);
    assert!(again.body.get("authCode").is_none(), "{:?}", again.body);
    let outgoing = app.get("u-ann", "/v1/transfers?direction=outgoing").await;
    assert_eq!(outgoing.body["items"].as_array().unwrap().len(), 1);
    let id = first.body["transfer"]["id"].as_str().unwrap();
    assert_eq!(app.verify("u-sue", id, first.body["authCode"].as_str().unwrap()).await.status, 200);
    // A refused send lets go of its key: the same key works once the request can be sent.
    let to_south = |case: &str| json!({"destinationDistrictId": SOUTH, "caseIds": [case]});
    let refused = app.send_with_key("u-ann", to_south("c-n1"), "send-held").await;
    assert!(refused.is_problem(409, "case_not_transferable"), "{:?}", refused.body);
    let freed = app.send_with_key("u-ann", to_south("c-n9"), "send-held").await;
    assert_eq!(freed.status, 201, "{:?}", freed.body);
    let other = app.send_with_key("u-ann", to_south("c-n3"), "send-7f3a").await;
    assert!(other.is_problem(409, "idempotency_key_reused"), "{:?}", other.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_request_cannot_be_accepted_and_frees_its_cases() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    app.app.clock.advance(chrono::Duration::days(31));
    // Expired on every read and decision, before any sweeper ran: the case shows no pending transfer.
    let search = app.get("u-ann", "/v1/cases?q=2026-0001").await;
    assert!(search.body["items"][0].get("pendingTransferId").is_none(), "{:?}", search.body);
    assert!(app.case("u-ann", "c-n1").await.body.get("pendingTransferId").is_none());
    assert_eq!(app.transfer("u-sue", &id).await.body["status"], "expired");
    let r = app.accept_all("u-sue", &id, &code, &["c-n1"]).await;
    assert!(r.is_problem(409, "transfer_expired"), "{:?}", r.body);
    assert!(app.verify("u-sue", &id, &code).await.is_problem(409, "transfer_expired"));
    assert!(app.cancel("u-ann", &id, None).await.is_problem(409, "transfer_expired"));
    let r = app.get("u-sue", "/v1/transfers?direction=incoming&status=expired").await;
    assert_eq!(ids(&r.body["items"]), vec![id.clone()]);
    assert!(app.get("u-sue", "/v1/transfers?direction=incoming&status=pending").await.body["items"]
        .as_array()
        .unwrap()
        .is_empty());

    // The sweeper writes it down, once.
    assert_eq!(shared::ops::expire::sweep(&app.app).await.unwrap(), 1);
    assert_eq!(shared::ops::expire::sweep(&app.app).await.unwrap(), 0);
    let events = app.transfer("u-ann", &id).await.body["events"].clone();
    assert_eq!(events[0]["type"], "expired", "newest first");
    // The case is free again (the clock is still 31 days on, so the new request is fresh).
    assert_eq!(app.send("u-ann", &["c-n1"], SOUTH).await.status, 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_app_notifications_tell_the_sending_district_and_can_be_read() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    let r = app.get("u-nia", "/v1/notifications").await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["unreadCount"], 1);
    let note = &r.body["items"][0];
    assert_eq!(note["transferId"], id.as_str());
    assert!(note["title"].as_str().unwrap().contains("2 cases pending transfer out"));
    let text = note.to_string();
    assert!(!text.contains("Jordan") && !text.contains(&code), "{text}");
    assert!(app.get("u-ned", "/v1/notifications").await.is_problem(403, "forbidden"));
    // The destination's Manage Cases users hear of the new incoming request in the portal too.
    for user in ["u-sue", "u-sid"] {
        let r = app.get(user, "/v1/notifications").await;
        assert_eq!(r.body["unreadCount"], 1, "{user}");
        assert_eq!(r.body["items"][0]["type"], "created");
        assert!(r.body["items"][0]["title"].as_str().unwrap().contains("sent you a case transfer request"));
    }

    let note_id = note["id"].as_str().unwrap();
    let r = app.post("u-nia", &format!("/v1/notifications/{note_id}/read"), json!({})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["readAt"].is_string());
    assert_eq!(app.get("u-nia", "/v1/notifications").await.body["unreadCount"], 0);
    // Someone else's notification is not found (ids come from the message: South's Sue has her own
    // notice of it, which stays unread; East's Eve has none).
    assert_eq!(app.get("u-sue", "/v1/notifications").await.body["unreadCount"], 1);
    assert!(app
        .post("u-eve", &format!("/v1/notifications/{note_id}/read"), json!({}))
        .await
        .is_problem(404, "not_found"));

    app.accept_all("u-sue", &id, &code, &["c-n1", "c-n2"]).await;
    let r = app.get("u-ann", "/v1/notifications").await;
    assert_eq!(r.body["items"][0]["type"], "accepted");
    assert_eq!(r.body["unreadCount"], 2);

    // Without SES, email is kept in the local outbox, never dropped.
    let outbox = app.app.mailer.local_mail();
    let to: std::collections::BTreeSet<&str> = outbox.iter().map(|m| m.to.as_str()).collect();
    for address in ["ann@north.example", "nia@north.example", "sue@south.example", "btam@south.example"] {
        assert!(to.contains(address), "{address} in {to:?}");
    }
    assert!(outbox.iter().all(|m| !m.text.contains(&code) && m.text.contains("https://portal.example/transfers/")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_and_code_checks_make_the_documented_dynamodb_calls() {
    // docs/data-model.md: the caller check rides in the operation's own BatchGetItem or runs beside
    // its query, so authorization costs no round trip of its own.
    let app = spawn_app().await;
    let (id, _) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let calls = app.dynamodb_calls.clone();
    calls.take();
    for (path, expected) in [
        ("/v1/settings/transfers".to_string(), 1),
        ("/v1/districts".to_string(), 2),
        // The caller beside one Query of the search index (the longest word's prefix, filtered on
        // the others), then the page's cases in one BatchGetItem.
        ("/v1/cases?q=jordan".to_string(), 3),
        ("/v1/cases?q=jordan%20north".to_string(), 3),
        ("/v1/cases?q=student1".to_string(), 3),
        ("/v1/cases/c-n2".to_string(), 2),
        ("/v1/cases/c-n2/entries".to_string(), 3),
        ("/v1/transfers?direction=outgoing".to_string(), 2),
        (format!("/v1/transfers/{id}"), 2),
        (format!("/v1/transfers/{id}/events"), 2),
        ("/v1/notifications".to_string(), 3),
    ] {
        assert_eq!(app.get("u-ann", &path).await.status, 200, "{path}");
        assert_eq!(calls.take(), expected, "DynamoDB calls for GET {path}");
    }
    // A wrong code: the caller and request in one BatchGetItem, then one transaction.
    assert_eq!(app.verify("u-sue", &id, "WRONG-CODE1").await.status, 422);
    assert_eq!(calls.take(), 2);
    assert_eq!(app.get("u-sue", "/v1/health").await.status, 200);
    assert_eq!(calls.take(), 0);
}

/// A district whose names need folding: composed and decomposed accents, ß, hyphens, apostrophes.
fn accented() -> Value {
    let case = |id: &str, number: &str, first: &str, last: &str, building: &str| {
        json!({"id": id, "districtId": "d-x", "caseNumber": number,
               "personOfConcern": {"firstName": first, "lastName": last},
               "building": building, "teamName": "BTAM", "teamLeader": "Dana Ortiz", "caseManager": "Sam Lee",
               "status": "open", "openedAt": "2026-09-02T15:04:05Z", "entries": []})
    };
    json!({
        "districts": [{"id": "d-x", "name": "X", "transfersEnabled": true}],
        "users": [{"id": "u-x", "districtId": "d-x", "name": "X", "email": "x@x.example", "permissions": ["manage_cases"]}],
        "students": [
            {"id": "s-3", "districtId": "d-x", "sisId": "SIS-3", "firstName": "Zoë", "lastName": "Álvarez"},
            {"id": "s-1", "districtId": "d-x", "sisId": "SIS-1", "firstName": "Ana", "lastName": "Alvarez"},
            {"id": "s-2", "districtId": "d-x", "sisId": "SIS-2", "firstName": "Bob", "lastName": "Adams"}
        ],
        "cases": [
            case("c-decomposed", "2026-0200", "Jose\u{301}", "Reyes", "East High"),
            case("c-jose", "2026-0102", "José", "Núñez", "Hauptstraße School"),
            case("c-jordan", "2026-0150", "Jordan", "Reyes", "Lincoln Middle"),
            case("c-avery", "2026-0300", "Avery", "O'Brien-Kim", "Straße Academy"),
        ]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_matches_word_prefixes_after_folding_in_case_number_order() {
    let app = e2e::spawn_app_with(shared::mail::Mailer::local(), accented()).await;
    // Every example of api.md v1.1 "Search", and the order: by case number.
    for (q, expected) in [
        ("jose", vec!["c-jose", "c-decomposed"]),
        ("JOS%C3%89", vec!["c-jose", "c-decomposed"]),
        ("Jos%C3%A9", vec!["c-jose", "c-decomposed"]),
        ("Jose%CC%81", vec!["c-jose", "c-decomposed"]),
        ("nunez", vec!["c-jose"]),
        ("strasse", vec!["c-avery"]),
        ("rey", vec!["c-jordan", "c-decomposed"]),
        ("2026-01", vec!["c-jose", "c-jordan"]),
        ("Reyes,%20Jordan", vec!["c-jordan"]),
        ("Reyes,Jordan", vec!["c-jordan"]),
        ("kim", vec!["c-avery"]),
        ("obrien", vec!["c-avery"]),
        ("eyes", vec![]),
        ("2026-02%20jose", vec!["c-decomposed"]),
    ] {
        let r = app.get("u-x", &format!("/v1/cases?q={q}")).await;
        assert_eq!(r.status, 200, "{q}: {:?}", r.body);
        assert_eq!(ids(&r.body["items"]), expected, "{q}");
    }
    // Pages keep the order.
    let first = app.get("u-x", "/v1/cases?q=rey&limit=1").await;
    assert_eq!(ids(&first.body["items"]), vec!["c-jordan"]);
    let cursor = first.body["nextCursor"].as_str().unwrap();
    let second = app.get("u-x", &format!("/v1/cases?q=rey&limit=1&cursor={cursor}")).await;
    assert_eq!(ids(&second.body["items"]), vec!["c-decomposed"]);
    // Students: by names and SIS id, ordered by last name then first name.
    let r = app.get("u-x", "/v1/students?q=alvarez").await;
    assert_eq!(ids(&r.body["items"]), vec!["s-1", "s-3"]);
    assert_eq!(ids(&app.get("u-x", "/v1/students?q=zoe").await.body["items"]), vec!["s-3"]);
    assert_eq!(ids(&app.get("u-x", "/v1/students?q=sis-2").await.body["items"]), vec!["s-2"]);
    assert_eq!(ids(&app.get("u-x", "/v1/students").await.body["items"]), vec!["s-2", "s-1", "s-3"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_index_follows_re_imports_and_accepts_and_never_shows_a_stale_word() {
    let app = spawn_app().await;
    let found = |user: &'static str, q: &'static str| {
        let app = &app;
        async move { ids(&app.get(user, &format!("/v1/cases?q={q}")).await.body["items"]) }
    };
    assert_eq!(found("u-ann", "jordan").await, vec!["c-n1"]);
    // The wider product renames the person of concern and moves the case to another building.
    let mut file = e2e::fixture::standard();
    file["cases"] = json!([file["cases"][0].clone()]);
    file["cases"][0]["personOfConcern"]["firstName"] = json!("Jordyn");
    file["cases"][0]["building"] = json!("Maple Elementary");
    file.as_object_mut().unwrap().retain(|k, _| k == "districts" || k == "cases");
    app.app.store.import(&shared::domain::import::parse(&file.to_string()).unwrap()).await.unwrap();
    assert_eq!(found("u-ann", "jordan").await, Vec::<String>::new(), "the old word is gone");
    assert_eq!(found("u-ann", "jordyn%20maple").await, vec!["c-n1"]);
    assert_eq!(found("u-ann", "high%20school").await.len(), 14, "the other odd cases still, c-n1 no longer");
    // An accepted case is found by its words in its new district, with its new number.
    let (id, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    assert_eq!(found("u-sue", "jordyn").await, Vec::<String>::new());
    let r = app.accept_all("u-sue", &id, &code, &["c-n1"]).await;
    let created = r.body["createdCases"][0]["caseId"].as_str().unwrap().to_owned();
    assert_eq!(found("u-sue", "jordyn").await, vec![created.clone()]);
    let number = r.body["createdCases"][0]["caseNumber"].as_str().unwrap().to_owned();
    assert_eq!(ids(&app.get("u-sue", &format!("/v1/cases?q={number}")).await.body["items"]), vec![created]);
    // Another district's words are not searched, whatever they match.
    assert_eq!(found("u-eve", "jordyn").await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_right_code_records_the_disclosure_once_even_if_the_request_is_then_rejected() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n3"], SOUTH).await;
    let disclosures = |history: Vec<Value>| history.into_iter().filter(|e| e["type"] == "transfer").collect::<Vec<_>>();
    assert!(disclosures(app.history("u-ann", "c-n3").await).is_empty(), "nothing revealed yet");
    assert_eq!(app.verify("u-sue", &id, "WRONG-CODE1").await.status, 422);
    assert!(disclosures(app.history("u-ann", "c-n3").await).is_empty(), "a wrong code reveals nothing");
    assert_eq!(app.verify("u-sue", &id, &code).await.status, 200);
    assert_eq!(app.verify("u-sid", &id, &code).await.status, 200);
    let r = app.reject("u-sue", &id, Some("Not enrolled here")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let recorded = disclosures(app.history("u-ann", "c-n3").await);
    assert_eq!(recorded.len(), 1, "once, at the first right code: {recorded:?}");
    let text = recorded[0]["text"].as_str().unwrap();
    // The district and the person a records officer reads; the request's internal id only in the
    // entry's own id, never in its words.
    assert!(text.contains("South County Schools") && text.contains("Sue South") && !text.contains(&id), "{text}");
    assert!(id.ends_with(recorded[0]["id"].as_str().unwrap().trim_start_matches("disclosure-")));
    assert_eq!(recorded[0]["author"], "Sue South");

    // Sent again and accepted straight away (no verify first): the accept records it, once.
    let (again, code) = app.sent("u-ann", &["c-n3"], SOUTH).await;
    assert_eq!(app.accept_all("u-sue", &again, &code, &["c-n3"]).await.status, 200);
    let recorded = disclosures(app.history("u-ann", "c-n3").await);
    assert_eq!(recorded.len(), 2, "one per transfer that revealed it: {recorded:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wrong_side_is_told_which_side_may_act() {
    let app = spawn_app().await;
    let (id, code) = app.sent("u-ann", &["c-n4"], SOUTH).await;
    for (user, path, body, allowed) in [
        ("u-sue", format!("/v1/transfers/{id}/cancel"), json!({}), "sending"),
        ("u-sue", format!("/v1/transfers/{id}/code"), json!({}), "sending"),
        ("u-ann", format!("/v1/transfers/{id}/reject"), json!({}), "receiving"),
        ("u-ann", format!("/v1/transfers/{id}/verify"), json!({"authCode": code}), "receiving"),
    ] {
        let r = app.post(user, &path, body).await;
        assert!(r.is_problem(403, "forbidden"), "{path}: {:?}", r.body);
        let title = r.body["title"].as_str().unwrap();
        assert!(title.contains(allowed) && !title.contains("Manage Cases"), "{path}: {title}");
    }
    // A user without Manage Cases still hears about the permission.
    let r = app.get("u-ned", "/v1/cases").await;
    assert!(r.is_problem(403, "forbidden"));
    assert!(r.body["title"].as_str().unwrap().contains("Manage Cases"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_inline_the_newest_fifty_events_and_page_the_rest() {
    let app = spawn_app().await;
    let (id, _) = app.sent("u-ann", &["c-n6"], SOUTH).await;
    // Ten rounds of five wrong codes and a new code: 60 events after `created`.
    for _ in 0..10 {
        for _ in 0..5 {
            assert_eq!(app.verify("u-sue", &id, "WRONG-CODE1").await.status, 422);
        }
        assert_eq!(app.post("u-ann", &format!("/v1/transfers/{id}/code"), json!({})).await.status, 200);
    }
    let details = app.transfer("u-ann", &id).await.body;
    let inline = details["events"].as_array().unwrap().clone();
    assert_eq!(inline.len(), 50);
    assert_eq!(inline[0]["type"], "code_regenerated", "newest first");
    let mut all = inline;
    let mut cursor = details["eventsNextCursor"].as_str().expect("more events").to_owned();
    loop {
        let page = app.get("u-sue", &format!("/v1/transfers/{id}/events?limit=7&cursor={cursor}")).await;
        // The first cursor came from the details page: it pages on for both districts.
        assert_eq!(page.status, 200, "{:?}", page.body);
        all.extend(page.body["items"].as_array().unwrap().iter().cloned());
        match page.body["nextCursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(all.len(), 61);
    assert_eq!(all.last().unwrap()["type"], "created", "the oldest last");
    let times: Vec<&str> = all.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first throughout");
    assert!(app.get("u-eve", &format!("/v1/transfers/{id}/events")).await.is_problem(404, "not_found"));
}
