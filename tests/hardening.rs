//! What an adversarial test of a local build found (issue 16), each kept found: every test here failed
//! before its fix. The local API's own answers are in `local_api.rs`, tokens in `portal::token`'s
//! tests, logs in `logs.rs`, bodies with trailing bytes in the bad-input sweep.

use e2e::fixture::SOUTH;
use e2e::{spawn_app, spawn_app_with, TestApp};
use portal::import::ImportOutcome;
use serde_json::{json, Value};
use shared::mail::Mailer;

async fn import(app: &TestApp, file: &Value) -> ImportOutcome {
    portal::import::run(&app.app.store, &file.to_string()).await.expect("the table answers")
}

fn refused_at(outcome: ImportOutcome) -> Vec<String> {
    match outcome {
        ImportOutcome::Rejected(problems) => problems.into_iter().map(|p| p.path).collect(),
        ImportOutcome::Imported(c) => panic!("imported: {c:?}"),
    }
}

fn south() -> Value {
    json!({"id": SOUTH, "name": "South County Schools", "transfersEnabled": true})
}

fn case(id: &str, district: &str, number: &str) -> Value {
    json!({"id": id, "districtId": district, "caseNumber": number,
           "personOfConcern": {"firstName": "Quinn", "lastName": "Numbers"}, "building": "B", "teamName": "T",
           "teamLeader": "L", "caseManager": "M", "status": "open", "openedAt": "2026-09-02T15:04:05Z"})
}

/// Every call a district's users make to run their day, as South's Sue: all must answer 200.
async fn south_still_works(app: &TestApp, what: &str, send: &str) {
    for path in [
        "/v1/me",
        "/v1/cases",
        "/v1/cases?q=numbers",
        "/v1/settings/transfers",
        "/v1/transfers?direction=incoming",
        "/v1/notifications",
    ] {
        let r = app.get("u-sue", path).await;
        assert_eq!(r.status, 200, "{what}: {path}: {:?}", r.body);
    }
    assert_eq!(app.send("u-ann", &[send], SOUTH).await.status, 201, "{what}: a send to South");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_number_beyond_the_sequence_is_refused_and_a_used_up_sequence_takes_nothing_down() {
    let app = spawn_app().await;
    // The number that pushed the sequence past u64, and others past what the sequence holds.
    for number in ["18446744073709551615", "2026-18446744073709551616", "2026-1000000000"] {
        let file = json!({"districts": [south()], "cases": [case("c-big", SOUTH, number)]});
        assert_eq!(refused_at(import(&app, &file).await), ["$.cases[0].caseNumber"], "{number}");
    }
    // The largest number that may be imported: the sequence is then used up.
    let file = json!({"districts": [south()], "cases": [case("c-last", SOUTH, "2026-999999999")]});
    assert!(matches!(import(&app, &file).await, ImportOutcome::Imported(_)));
    let (t, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let r = app.accept_all("u-sue", &t, &code, &["c-n1"]).await;
    assert!(r.is_problem(409, "case_numbers_exhausted"), "{:?}", r.body);
    assert_eq!(app.transfer("u-sue", &t).await.body["status"], "pending", "nothing was changed");
    south_still_works(&app, "a used-up sequence", "c-n7").await;

    // A counter stored before the sequence was bounded, past u64: still no call fails but the accept,
    // which says why.
    app.app
        .store
        .client()
        .update_item()
        .table_name(app.app.store.table_name())
        .set_key(Some(shared::store::keys::district(&shared::domain::DistrictId::parse(SOUTH).unwrap())))
        .update_expression("SET caseSeq = :n")
        .expression_attribute_values(":n", aws_sdk_dynamodb::types::AttributeValue::N("18446744073709551616".into()))
        .send()
        .await
        .unwrap();
    south_still_works(&app, "a counter past u64", "c-n8").await;
    let r = app.accept_all("u-sue", &t, &code, &["c-n1"]).await;
    assert!(r.is_problem(409, "case_numbers_exhausted"), "{:?}", r.body);
    // And a re-import of the district keeps the counter it cannot lower, without failing.
    assert!(matches!(import(&app, &json!({"districts": [south()]})).await, ImportOutcome::Imported(_)));
    south_still_works(&app, "after a re-import", "c-n9").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_is_bound_to_its_ids_not_to_their_joined_spelling() {
    let entries: Vec<Value> = (1..=3)
        .map(|i| {
            json!({"id": format!("e-{i}"), "at": format!("2026-09-0{i}T10:00:00Z"), "type": "note",
                         "author": "M", "text": format!("Entry {i}")})
        })
        .collect();
    let mut one = case("c-1", "d-north:east", "2026-0001");
    one["entries"] = json!(entries);
    let mut other = case("east:c-1", "d-north", "2026-0001");
    other["entries"] = json!(entries);
    let user = |id: &str, d: &str| json!({"id": id, "districtId": d, "name": id, "email": "x@x.example", "permissions": ["manage_cases"]});
    let file = json!({
        "districts": [{"id": "d-north:east", "name": "North East"}, {"id": "d-north", "name": "North"}],
        "users": [user("u-a", "d-north:east"), user("u-b", "d-north")],
        "cases": [one, other],
    });
    let app = spawn_app_with(Mailer::local(), file).await;
    let first = app.get("u-a", "/v1/cases/c-1/entries?limit=1").await;
    let cursor = first.body["nextCursor"].as_str().expect("more than one page").to_owned();
    assert_eq!(app.get("u-a", &format!("/v1/cases/c-1/entries?limit=1&cursor={cursor}")).await.status, 200);
    let r = app.get("u-b", &format!("/v1/cases/east:c-1/entries?limit=1&cursor={cursor}")).await;
    assert!(r.is_problem(400, "validation_failed"), "{:?}", r.body);
    let theirs = app.get("u-b", "/v1/cases/east:c-1/entries?limit=1").await.body["nextCursor"].clone();
    let r = app.get("u-a", &format!("/v1/cases/c-1/entries?limit=1&cursor={}", theirs.as_str().unwrap())).await;
    assert!(r.is_problem(400, "validation_failed"), "{:?}", r.body);
}

/// `GET /v1/cases/{caseId}`: the fields of the contract, and nothing the portal keeps for itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_shows_the_fields_of_the_contract_only() {
    let app = spawn_app().await;
    let allowed = [
        "id",
        "districtId",
        "caseNumber",
        "personOfConcern",
        "building",
        "teamName",
        "teamLeader",
        "caseManager",
        "status",
        "riskLevel",
        "openedAt",
        "pendingTransferId",
        "transferredTo",
        "provenance",
        "entryCount",
    ];
    let (t, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let pending = app.case("u-ann", "c-n1").await.body;
    assert_eq!(app.accept_all("u-sue", &t, &code, &["c-n1"]).await.status, 200);
    let sent = app.case("u-ann", "c-n1").await.body;
    let created = app.get("u-sue", &format!("/v1/transfers/{t}")).await.body["createdCases"][0]["caseId"].clone();
    let received = app.case("u-sue", created.as_str().unwrap()).await.body;
    for (what, body) in [("pending", pending), ("sent", sent), ("received", received)] {
        for key in body.as_object().unwrap().keys() {
            assert!(allowed.contains(&key.as_str()), "{what}: {key} is not part of the contract");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_refuses_what_it_would_drop_and_reports_every_problem_at_once() {
    let app = spawn_app().await;
    let mut misspelt = case("c-x", SOUTH, "2026-0100");
    misspelt["personOfConcern"]["studentID"] = json!("s-100");
    let file = json!({"districts": [south()], "cases": [misspelt]});
    assert_eq!(refused_at(import(&app, &file).await), ["$.cases[0].personOfConcern.studentID"]);

    let text = r#"{"districts": [{"id": "d-south", "name": "A", "name": "B"}]}"#;
    let r = portal::import::run(&app.app.store, text).await.unwrap();
    assert_eq!(refused_at(r), ["$.districts[0].name"]);

    // Three problems of three kinds, one of them against the table: all in one report.
    let mut unknown = case("c-y", SOUTH, "2026-0101");
    unknown["colour"] = json!("red");
    let taken = case("c-z", SOUTH, "2026-0007"); // c-s1 holds it
    let file = json!({"districts": [south()], "users": [{"id": "u-q", "districtId": SOUTH, "name": "Q",
                       "email": "not an email", "permissions": []}], "cases": [unknown, taken]});
    let mut paths = refused_at(import(&app, &file).await);
    paths.sort();
    assert_eq!(paths, ["$.cases[0].colour", "$.cases[1].caseNumber", "$.users[0].email"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_never_rewrites_a_case_another_district_sent() {
    let app = spawn_app().await;
    let (t, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    let r = app.accept_all("u-sue", &t, &code, &["c-n1"]).await;
    let created = r.body["createdCases"][0].clone();
    let id = created["caseId"].as_str().unwrap();
    let before = app.case("u-sue", id).await.body;
    // South's next export names the case, reworded, with a note of South's own.
    let mut rewritten = case(id, SOUTH, created["caseNumber"].as_str().unwrap());
    rewritten["personOfConcern"]["firstName"] = json!("Someone");
    // Its staff are South's own to assign (North's stay in the provenance).
    rewritten["teamName"] = json!("South BTAM");
    rewritten["entries"] = json!([{"id": "e-south-1", "at": "2026-10-01T10:00:00Z", "type": "note",
                                   "author": "Sue", "text": "Met the family."}]);
    let outcome = import(&app, &json!({"districts": [south()], "cases": [rewritten]})).await;
    let ImportOutcome::Imported(counts) = outcome else { panic!("refused") };
    assert_eq!(counts.cases_kept, 1);
    let after = app.case("u-sue", id).await.body;
    for field in ["personOfConcern", "caseNumber", "provenance"] {
        assert_eq!(after[field], before[field], "{field} kept as sent");
    }
    assert_eq!(after["teamName"], "South BTAM");
    assert_eq!(after["provenance"]["source"]["teamName"], "North High Team");
    let unassigned = app.get("u-sue", "/v1/cases?unassigned=true").await.body;
    assert!(unassigned["items"].as_array().unwrap().is_empty(), "assigned by the file: {unassigned}");
    assert_eq!(after["entryCount"], before["entryCount"].as_u64().unwrap() + 1, "South's own note is added");
    let history = app.history("u-sue", id).await;
    assert!(history.iter().any(|e| e["text"] == "Met the family."));
}
