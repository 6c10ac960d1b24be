//! Users, permissions and the audit trail over HTTP, on the table alone (`portal serve` has no pool).

use super::{call, north_with_admin, token_for};
use e2e::fixture::{NORTH, SOUTH};
use e2e::{spawn_app_with, TestApp};
use serde_json::{json, Value};
use shared::mail::Mailer;

async fn audit(app: &TestApp) -> Vec<Value> {
    app.all_entries("u-ann", "/v1/audit").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_invites_grants_revokes_and_the_next_call_follows() {
    let app = spawn_app_with(Mailer::local(), north_with_admin()).await;
    // The district's users only, searchable; nobody without manage_users sees them.
    let users = app.all_entries("u-ann", "/v1/users?limit=2").await;
    let ids: Vec<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["u-ann", "u-ned", "u-nia"]);
    assert_eq!(app.get("u-ann", "/v1/users?q=nia").await.body["items"].as_array().unwrap().len(), 1);
    for path in ["/v1/users", "/v1/audit"] {
        assert!(app.get("u-nia", path).await.is_problem(403, "forbidden"), "{path}");
    }
    assert!(app
        .post("u-nia", "/v1/users", json!({"name": "X", "email": "x@north.example", "permissions": []}))
        .await
        .is_problem(403, "forbidden"));

    // Invite Dee with View Cases: she signs in at once and is refused Cases until granted Manage Cases.
    let r = app
        .post(
            "u-ann",
            "/v1/users",
            json!({"name": "Dee Newman", "email": "dee@north.example", "permissions": ["view_cases"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(
        (&r.body["active"], &r.body["permissions"], &r.body["updatedBy"]["id"]),
        (&json!(true), &json!(["view_cases"]), &json!("u-ann"))
    );
    let dee = r.body["id"].as_str().unwrap().to_owned();
    let token = token_for(&app, &dee, "Dee Newman");
    assert_eq!(call(&app, &token, "GET", "/v1/me", None).await.status, 200);
    assert!(call(&app, &token, "GET", "/v1/cases", None).await.is_problem(403, "forbidden"));
    let path = format!("/v1/users/{dee}");
    let r = app.put("u-ann", &path, json!({"permissions": ["manage_cases", "view_cases"]})).await;
    assert_eq!((r.status, &r.body["permissions"]), (200, &json!(["manage_cases", "view_cases"])));
    assert_eq!(call(&app, &token, "GET", "/v1/cases", None).await.status, 200);
    // Deactivated: her very next call is 401, whatever token she holds; reactivated, she is back.
    assert_eq!(app.put("u-ann", &path, json!({"active": false})).await.body["active"], false);
    for p in ["/v1/cases", "/v1/me"] {
        assert!(call(&app, &token, "GET", p, None).await.is_problem(401, "unauthorized"), "{p}");
    }
    assert!(call(&app, &token, "PUT", "/v1/settings/transfers", Some(json!({"enabled": false})))
        .await
        .is_problem(401, "unauthorized"));
    assert_eq!(app.put("u-ann", &path, json!({"active": true})).await.status, 200);
    assert_eq!(call(&app, &token, "GET", "/v1/cases", None).await.status, 200);

    // The same id twice; another district's user; bad input, each naming its field.
    let again = app
        .post("u-ann", "/v1/users", json!({"id": dee, "name": "Dee", "email": "d@north.example", "permissions": []}))
        .await;
    assert!(again.is_problem(409, "user_exists"), "{:?}", again.body);
    assert!(app.put("u-ann", "/v1/users/u-sue", json!({"active": false})).await.is_problem(404, "not_found"));
    assert_eq!(app.get("u-sue", "/v1/me").await.status, 200, "South's Sue untouched");
    let bad = [
        (json!({"name": "X", "email": "not an email", "permissions": []}), "email"),
        (json!({"name": "X", "email": "x@north.example", "permissions": ["superuser"]}), "permissions"),
        (json!({"name": "x".repeat(10_000), "email": "x@north.example", "permissions": []}), "name"),
        (json!({"id": "bad#id", "name": "X", "email": "x@north.example", "permissions": []}), "id"),
        (json!({"name": "X", "email": "x@north.example", "permissions": [], "districtId": SOUTH}), "districtId"),
        (json!({"name": "X", "email": "x@north.example", "permissions": [], "phone": "1".repeat(41)}), "phone"),
        (json!({"id": null, "name": "X", "email": "x@north.example", "permissions": []}), "id"),
    ];
    for (body, field) in bad {
        let r = app.post("u-ann", "/v1/users", body.clone()).await;
        assert!(r.is_problem(400, "validation_failed"), "{body}: {:?}", r.body);
        assert!(r.body["errors"][0]["field"].as_str().unwrap().starts_with(field), "{body}: {:?}", r.body);
    }
    for body in [
        json!({}),
        json!({"permissions": ["root"]}),
        json!({"name": ""}),
        json!({"active": "no"}),
        json!({"active": null}),
    ] {
        assert!(app.put("u-ann", &path, body.clone()).await.is_problem(400, "validation_failed"), "{body}");
    }
    assert_eq!(
        app.get("u-ann", "/v1/users?q=dee").await.body["items"].as_array().unwrap().len(),
        1,
        "nothing more was created"
    );

    // The trail: newest first, who did what to whom, before and after.
    let trail = audit(&app).await;
    let actions: Vec<&str> = trail.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["user.changed", "user.changed", "user.changed", "user.invited"]);
    assert!(trail.iter().all(|e| e["actor"]["id"] == "u-ann" && e["subject"] == dee.as_str()));
    assert_eq!((&trail[1]["before"]["active"], &trail[1]["after"]["active"]), (&json!(true), &json!(false)));
    assert_eq!(trail[3]["after"]["permissions"], json!(["view_cases"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_active_administrator_stays() {
    let app = spawn_app_with(Mailer::local(), north_with_admin()).await;
    for change in [json!({"permissions": ["manage_cases"]}), json!({"active": false})] {
        let r = app.put("u-ann", "/v1/users/u-ann", change.clone()).await;
        assert!(r.is_problem(409, "last_admin"), "{change}: {:?}", r.body);
    }
    // With Nia an administrator too, Ann may step down; then Nia is the last one.
    assert_eq!(
        app.put("u-ann", "/v1/users/u-nia", json!({"permissions": ["manage_cases", "manage_users"]})).await.status,
        200
    );
    assert_eq!(app.put("u-ann", "/v1/users/u-ann", json!({"permissions": ["manage_cases"]})).await.status, 200);
    assert!(app.get("u-ann", "/v1/users").await.is_problem(403, "forbidden"), "no longer an administrator");
    assert!(app.put("u-nia", "/v1/users/u-nia", json!({"active": false})).await.is_problem(409, "last_admin"));
    // Two administrators each removing the other at once: one of them stays.
    assert_eq!(
        app.put("u-nia", "/v1/users/u-ann", json!({"permissions": ["manage_cases", "manage_users"]})).await.status,
        200
    );
    let (a, b) = tokio::join!(
        app.put("u-ann", "/v1/users/u-nia", json!({"active": false})),
        app.put("u-nia", "/v1/users/u-ann", json!({"active": false})),
    );
    assert!(a.status == 200 || b.status == 200, "{:?} {:?}", a.body, b.body);
    let admins = app.app.store.district_users(&NORTH.parse().unwrap()).await.unwrap();
    assert_eq!(admins.iter().filter(|u| shared::domain::user_admin::is_admin(u)).count(), 1, "exactly one left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_changes_are_audited_and_an_import_does_not_revert_an_administrator() {
    let app = spawn_app_with(Mailer::local(), north_with_admin()).await;
    assert_eq!(app.set_transfers("u-nia", false).await.status, 200);
    assert_eq!(app.put("u-ann", "/v1/settings/district", json!({"parentNoticeOnReceive": true})).await.status, 200);
    let days = json!({"days": [{"from": "2026-12-21", "to": "2027-01-01", "kind": "holiday", "name": "Winter break"}]});
    assert_eq!(app.put("u-ann", "/v1/settings/calendar", days).await.status, 200);
    let trail = audit(&app).await;
    let rows: Vec<(&str, &str)> =
        trail.iter().map(|e| (e["action"].as_str().unwrap(), e["actor"]["id"].as_str().unwrap())).collect();
    assert_eq!(rows, [("calendar.replaced", "u-ann"), ("settings.changed", "u-ann"), ("transfers.switched", "u-nia")]);
    assert_eq!(
        (&trail[1]["before"], &trail[1]["after"]),
        (&json!({"parentNoticeOnReceive": false}), &json!({"parentNoticeOnReceive": true}))
    );
    assert_eq!(trail[2]["after"], json!({"transfersEnabled": false}));
    assert!(app.get("u-sue", "/v1/audit").await.is_problem(403, "forbidden"));

    // Nia is made an administrator; re-importing the older file keeps her so, unless told otherwise.
    assert_eq!(app.put("u-ann", "/v1/users/u-nia", json!({"permissions": ["manage_users"]})).await.status, 200);
    let store = &app.app.store;
    let nia =
        || async { store.user(&NORTH.parse().unwrap(), &"u-nia".parse().unwrap()).await.unwrap().unwrap().permissions };
    let counts = match portal::import::run(store, &north_with_admin().to_string()).await.unwrap() {
        portal::import::ImportOutcome::Imported(c) => c,
        portal::import::ImportOutcome::Rejected(p) => panic!("{p:?}"),
    };
    assert_eq!(counts.users_kept, 6);
    assert_eq!(nia().await, [shared::domain::Permission::ManageUsers]);
    let overwrite = shared::store::import::ImportOptions { overwrite_users: true };
    let outcome = portal::import::run_with(store, &north_with_admin().to_string(), overwrite, &|_| {}).await.unwrap();
    assert!(matches!(outcome, portal::import::ImportOutcome::Imported(_)));
    assert_eq!(nia().await, [shared::domain::Permission::ManageCases, shared::domain::Permission::ViewCases]);
}
