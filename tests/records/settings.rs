//! `GET|PUT /v1/settings/district` and `/v1/settings/calendar`: read by Manage Cases users, changed by
//! the district's administrators only, one district's never another's.

use e2e::fixture::{NORTH, SOUTH};
use e2e::{spawn_app_from_files, TestApp};
use portal::import::ImportOutcome;
use serde_json::{json, Value};
use shared::mail::Mailer;

/// The standard districts, with North's administrator (users and settings, no cases) and South's
/// (both).
fn admins() -> Value {
    json!({"districts": [
        {"id": NORTH, "name": "North Unified", "transfersEnabled": true, "notificationEmail": "safety@north.example"},
        {"id": SOUTH, "name": "South County Schools", "transfersEnabled": true, "notificationEmail": "btam@south.example"}],
        "users": [
        {"id": "u-ada", "districtId": NORTH, "name": "Ada Admin", "email": "ada@north.example", "permissions": ["manage_users"]},
        {"id": "u-sal", "districtId": SOUTH, "name": "Sal Admin", "email": "sal@south.example", "permissions": ["manage_cases", "manage_users"]}]})
}

async fn spawn_with_admins() -> TestApp {
    spawn_app_from_files(Mailer::local(), vec![e2e::fixture::standard(), admins()]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_change_the_settings_everyone_reads_them() {
    let app = spawn_with_admins().await;
    let get = |user: &'static str| {
        let app = &app;
        async move { app.get(user, "/v1/settings/district").await }
    };
    let before = get("u-ann").await;
    assert_eq!(before.status, 200, "{:?}", before.body);
    assert_eq!(
        before.body,
        json!({"districtId": NORTH, "name": "North Unified", "notificationEmail": "safety@north.example",
               "timeZone": "America/Chicago", "recordsRule": null, "annualNoticeCoversTransfers": true,
               "parentNoticeOnReceive": false, "updatedAt": null, "updatedBy": null,
               "dueIfReceivedNow": null})
    );
    assert!(get("u-ned").await.is_problem(403, "forbidden"), "view only");
    let change =
        json!({"recordsRule": {"preset": "FL"}, "timeZone": "America/New_York", "parentNoticeOnReceive": true});
    assert!(
        app.put("u-ann", "/v1/settings/district", change.clone()).await.is_problem(403, "forbidden"),
        "Manage Cases is not administration"
    );
    let r = app.put("u-ada", "/v1/settings/district", change).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["recordsRule"], json!({"preset": "FL", "days": 3, "unit": "school_days"}));
    assert!(r.body["dueIfReceivedNow"].is_string(), "the preview of the clock: {:?}", r.body);
    let after = get("u-ann").await.body;
    assert_eq!(
        (after["timeZone"].clone(), after["parentNoticeOnReceive"].clone(), after["updatedBy"].clone()),
        (json!("America/New_York"), json!(true), json!("u-ada"))
    );
    assert_eq!(after["notificationEmail"], "safety@north.example", "what the change did not name stays");
    // The transfer switch beside them is untouched.
    assert_eq!(app.get("u-ann", "/v1/settings/transfers").await.body["enabled"], true);
    // null clears; a custom rule brings its own count.
    let r = app
        .put(
            "u-ada",
            "/v1/settings/district",
            json!({"notificationEmail": null, "recordsRule": {"preset": "custom", "days": 7, "unit": "calendar_days"}}),
        )
        .await;
    assert_eq!((r.body["notificationEmail"].clone(), r.body["recordsRule"]["days"].clone()), (Value::Null, json!(7)));
    // South's are its own.
    assert_eq!(app.get("u-sue", "/v1/settings/district").await.body["recordsRule"], Value::Null);

    for (bad, field) in [
        (json!({"timeZone": "Mars/Olympus"}), "timeZone"),
        (json!({"notificationEmail": "nobody"}), "notificationEmail"),
        (json!({"recordsRule": {"preset": "TX", "days": 9}}), "recordsRule"),
        (json!({"recordsRule": {"preset": "custom", "days": 61, "unit": "school_days"}}), "recordsRule"),
        (json!({"recordsRule": {"preset": "NY"}}), "recordsRule"),
        (json!({"name": "Renamed"}), ""),
        (json!({"parentNoticeOnReceive": "yes"}), "parentNoticeOnReceive"),
    ] {
        let r = app.put("u-ada", "/v1/settings/district", bad.clone()).await;
        assert!(r.is_problem(400, "validation_failed"), "{bad}: {:?}", r.body);
        assert!(r.body["errors"][0]["field"].as_str().unwrap_or_default().starts_with(field), "{bad}: {:?}", r.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_calendar_is_replaced_whole_by_an_administrator() {
    let app = spawn_with_admins().await;
    assert_eq!(app.get("u-sue", "/v1/settings/calendar").await.body, json!({"days": []}));
    let days = json!([{"from": "2026-12-21", "to": "2027-01-01", "kind": "non_school", "name": "Winter break"},
                      {"from": "2027-01-18", "kind": "holiday", "name": "Martin Luther King Jr. Day"}]);
    assert!(app.put("u-sue", "/v1/settings/calendar", json!({"days": days})).await.is_problem(403, "forbidden"));
    let r = app.put("u-sal", "/v1/settings/calendar", json!({"days": days})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let read = app.get("u-sue", "/v1/settings/calendar").await.body;
    assert_eq!((read["days"].clone(), read["updatedBy"].clone()), (days, json!("u-sal")));
    assert_eq!(app.get("u-ann", "/v1/settings/calendar").await.body["days"], json!([]), "North's is its own");
    let one = |r: Value| json!({"days": [r]});
    for (bad, field) in [
        (one(json!({"from": "2027-01-02", "to": "2027-01-01", "kind": "holiday"})), "days[0].to"),
        (one(json!({"from": "2027-01-02", "kind": "vacation"})), "days"),
        (one(json!({"from": "2027-02-30", "kind": "holiday"})), "days"),
        (one(json!({"from": "2027-01-02", "kind": "holiday", "name": "x".repeat(201)})), "days[0].name"),
        (one(json!({"from": "2027-01-02", "kind": "holiday", "colour": "red"})), "days"),
        (json!({"days": vec![json!({"from": "2027-01-02", "kind": "holiday"}); 401]}), "days"),
        (json!({}), "days"),
    ] {
        let r = app.put("u-sal", "/v1/settings/calendar", bad.clone()).await;
        assert!(r.is_problem(400, "validation_failed"), "{field}: {:?}", r.body);
        assert!(r.body["errors"][0]["field"].as_str().unwrap_or_default().starts_with(field), "{field}: {:?}", r.body);
    }
    assert_eq!(app.put("u-sal", "/v1/settings/calendar", json!({"days": []})).await.body["days"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_sets_a_districts_clock_and_refuses_what_does_not_parse() {
    let file = |tz: &str| {
        json!({"districts": [{"id": "d-west", "name": "West", "transfersEnabled": true, "timeZone": tz,
                              "recordsRule": {"preset": "CA"}, "parentNoticeOnReceive": true,
                              "calendar": [{"from": "2027-03-29", "to": "2027-04-02", "kind": "non_school", "name": "Spring break"}]}],
               "users": [{"id": "u-wes", "districtId": "d-west", "name": "Wes", "email": "wes@west.example",
                          "permissions": ["manage_cases", "manage_users"]}]})
    };
    let app = spawn_app_from_files(Mailer::local(), vec![e2e::fixture::standard(), file("America/Los_Angeles")]).await;
    match portal::import::run(&app.app.store, &file("Mars/Olympus").to_string()).await.unwrap() {
        ImportOutcome::Rejected(p) => assert_eq!(p[0].path, "$.districts[0].timeZone"),
        ImportOutcome::Imported(_) => panic!("imported"),
    }
    let settings = app.get("u-wes", "/v1/settings/district").await.body;
    assert_eq!(
        (settings["timeZone"].clone(), settings["recordsRule"]["unit"].clone()),
        (json!("America/Los_Angeles"), json!("school_days"))
    );
    assert_eq!(app.get("u-wes", "/v1/settings/calendar").await.body["days"][0]["name"], "Spring break");
    // An administrator's change is not undone by a file that does not name it.
    assert_eq!(app.put("u-wes", "/v1/settings/district", json!({"parentNoticeOnReceive": false})).await.status, 200);
    let mut again = file("America/Los_Angeles");
    again["districts"][0].as_object_mut().unwrap().remove("parentNoticeOnReceive");
    assert!(matches!(
        portal::import::run(&app.app.store, &again.to_string()).await.unwrap(),
        ImportOutcome::Imported(_)
    ));
    assert_eq!(app.get("u-wes", "/v1/settings/district").await.body["parentNoticeOnReceive"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_district_list_pages_searches_and_holds_every_other_district() {
    let many: Vec<Value> = (0..30)
        .map(|i| json!({"id": format!("d-x{i:02}"), "name": format!("Xavier Unified {i:02}"), "transfersEnabled": i % 2 == 0}))
        .collect();
    let app = spawn_app_from_files(Mailer::local(), vec![e2e::fixture::standard(), json!({"districts": many})]).await;
    let all = app.all_entries("u-ann", "/v1/districts?limit=7").await;
    let names: Vec<&str> = all.iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 32, "30 + East + South, never North itself");
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "by name");
    assert!(!names.contains(&"North Unified"));
    let on = app.all_entries("u-ann", "/v1/districts?transfersEnabled=true&limit=4").await;
    assert_eq!(on.len(), 16, "15 of the 30, and South");
    let found = app.get("u-ann", "/v1/districts?q=xav%2015").await.body;
    assert_eq!(found["items"], json!([{"id": "d-x15", "name": "Xavier Unified 15"}]));
    assert_eq!(app.get("u-ann", "/v1/districts?q=east").await.body["items"][0]["id"], "d-east");
    assert_eq!(app.get("u-ann", "/v1/districts?q=north").await.body["items"], json!([]), "never its own");
    // A cursor of one list is not one of the other.
    let first = app.get("u-ann", "/v1/districts?limit=1").await.body;
    let cursor = first["nextCursor"].as_str().unwrap();
    assert!(app
        .get("u-ann", &format!("/v1/districts?transfersEnabled=true&cursor={cursor}"))
        .await
        .is_problem(400, "validation_failed"));
    assert!(app
        .get("u-sue", &format!("/v1/districts?limit=1&cursor={cursor}"))
        .await
        .is_problem(400, "validation_failed"));
}
