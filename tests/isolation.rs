//! Tenant isolation, as a matrix a reader can extend: two districts onboarded from separate import
//! files with the same case, user, student and entry ids (and the same case number), each calling
//! every endpoint against the other's ids and its own. Nothing of the other district is ever
//! visible, and nothing of it changes.

use e2e::{spawn_app_from_files, Reply, TestApp};
use serde_json::{json, Value};
use shared::mail::Mailer;

const GAMMA: &str = "d-gamma";

/// One district of the matrix: the words only its private data contains, and the ids it owns.
struct Party {
    district: &'static str,
    name: &'static str,
    /// Appears in its cases, entries, students and notes, and nowhere else.
    secret: &'static str,
    only_case: &'static str,
}

const ALPHA: Party =
    Party { district: "d-alpha", name: "Alpha Unified", secret: "Alphasecret", only_case: "c-alpha-only" };
const BETA: Party = Party { district: "d-beta", name: "Beta Schools", secret: "Betasecret", only_case: "c-beta-only" };

impl Party {
    fn admin(&self) -> String {
        format!("u-admin@{}", self.district)
    }

    /// Its import file. The shared ids (`u-admin`, `s-1`, `c-900`, entry `e-1` at the same time, case
    /// number `2026-0900`) are deliberate: they must never meet.
    fn file(&self) -> Value {
        let case = |id: &str, first: &str| {
            json!({"id": id, "districtId": self.district, "caseNumber": if id == "c-900" { "2026-0900".to_string() } else { format!("2026-{}", id.len()) },
                   "personOfConcern": {"firstName": first, "lastName": self.secret, "studentId": "s-1"},
                   "building": format!("{} Middle", self.name), "teamName": "BTAM", "teamLeader": "Dana Ortiz",
                   "caseManager": "Sam Lee", "status": "open", "openedAt": "2026-09-02T15:04:05Z",
                   "entries": [{"id": "e-1", "at": "2026-09-03T10:00:00Z", "type": "note", "author": "Sam Lee",
                                "text": format!("{} history of {id}", self.secret)}]})
        };
        json!({
            // Its parents are told of each disclosure: a reveal makes a parent-notice task.
            "districts": [{"id": self.district, "name": self.name, "transfersEnabled": true,
                           "annualNoticeCoversTransfers": false}],
            "users": [
                {"id": "u-admin", "districtId": self.district, "name": format!("Admin of {}", self.name),
                 "email": format!("admin@{}.example", self.district), "permissions": ["manage_cases", "manage_users"]},
                {"id": format!("u-{}", self.only_case), "districtId": self.district, "name": "Only Here",
                 "email": format!("only@{}.example", self.district), "permissions": ["view_cases"]}
            ],
            "students": [{"id": "s-1", "districtId": self.district, "sisId": "SIS-1", "firstName": "Sam",
                          "lastName": self.secret}],
            "cases": [case("c-900", "Jordan"), case(self.only_case, "Riley")]
        })
    }
}

fn gamma_file() -> Value {
    json!({
        "districts": [{"id": GAMMA, "name": "Gamma County", "transfersEnabled": true}],
        "users": [{"id": "u-admin", "districtId": GAMMA, "name": "Admin of Gamma", "email": "admin@gamma.example",
                   "permissions": ["manage_cases"]}],
        "students": [{"id": "s-1", "districtId": GAMMA, "sisId": "SIS-1", "firstName": "Gail", "lastName": "Gamma"}]
    })
}

/// The table's items of one party: its district partitions, its transfers and its inboxes.
async fn items_of(app: &TestApp, party: &Party, transfer: &str) -> Vec<String> {
    let district = format!("\"pk\":\"DISTRICT#{}", party.district);
    let transfer = format!("\"pk\":\"TRANSFER#{transfer}\"");
    // Its records request too (the student's last name is the party's secret).
    let asked = |i: &String| i.contains("\"pk\":\"RECORDREQ#") && i.contains(party.secret);
    app.all_items().await.into_iter().filter(|i| i.contains(&district) || i.contains(&transfer) || asked(i)).collect()
}

/// What a party's own send leaves behind: a pending request to Gamma, and a notification in its inbox.
async fn send_to_gamma(app: &TestApp, party: &Party, cases: &[&str]) -> (String, String) {
    let r = app
        .post(
            &party.admin(),
            "/v1/transfers",
            json!({"destinationDistrictId": GAMMA, "caseIds": cases, "notes": format!("{} notes", party.secret)}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    (r.body["transfer"]["id"].as_str().unwrap().to_owned(), r.body["authCode"].as_str().unwrap().to_owned())
}

/// One call of the matrix and the status it must get.
struct Probe {
    method: &'static str,
    path: String,
    body: Option<Value>,
    status: u16,
}

fn probe(method: &'static str, path: impl Into<String>, body: Option<Value>, status: u16) -> Probe {
    Probe { method, path: path.into(), body, status }
}

/// Every endpoint, called by `me` with `other`'s ids (and with ids both have). Add a route here and
/// it is checked for both directions.
fn matrix(me: &Party, other: &Party, theirs: &Owned) -> Vec<Probe> {
    let (t, other_note, other_request, other_task) = (&theirs.transfer, &theirs.note, &theirs.request, &theirs.task);
    let decisions = json!([{"sourceCaseId": "c-900", "link": {"type": "sis", "studentId": "s-1"},
                            "assign": {"teamName": "BTAM"}}]);
    vec![
        probe("GET", "/v1/settings/transfers", None, 200),
        probe("GET", "/v1/settings/district", None, 200),
        probe("GET", "/v1/settings/calendar", None, 200),
        // Each party administers its own district: its settings change, never the other's.
        probe("PUT", "/v1/settings/district", Some(json!({"parentNoticeOnReceive": true})), 200),
        probe("PUT", "/v1/settings/calendar", Some(json!({"days": []})), 200),
        probe("GET", "/v1/districts?transfersEnabled=true", None, 200),
        probe("GET", "/v1/cases?limit=100", None, 200),
        probe("GET", format!("/v1/cases?q={}", other.secret), None, 200),
        probe("GET", "/v1/cases/c-900", None, 200),
        probe("GET", format!("/v1/cases/{}", other.only_case), None, 404),
        probe("GET", format!("/v1/cases/{}", me.only_case), None, 200),
        probe("GET", "/v1/cases/c-900/entries", None, 200),
        probe("GET", format!("/v1/cases/{}/entries", other.only_case), None, 404),
        probe("GET", "/v1/students?limit=100", None, 200),
        probe("GET", format!("/v1/students?q={}", other.secret), None, 200),
        probe("GET", "/v1/transfers?direction=outgoing", None, 200),
        probe("GET", "/v1/transfers?direction=incoming", None, 200),
        probe("GET", format!("/v1/transfers/{t}"), None, 404),
        probe("GET", format!("/v1/transfers/{t}/events"), None, 404),
        probe("GET", format!("/v1/transfers/{t}/cases/c-900/entries"), None, 404),
        probe("GET", format!("/v1/transfers/{t}/cases/c-900/matches"), None, 404),
        probe("GET", "/v1/cases?unassigned=true", None, 200),
        probe("GET", "/v1/case-values?field=building", None, 200),
        probe("GET", format!("/v1/case-values?field=building&q={}", other.name), None, 200),
        probe("POST", format!("/v1/transfers/{t}/code"), None, 404),
        probe("POST", format!("/v1/transfers/{t}/verify"), Some(json!({"authCode": "AAAAA-AAAAA"})), 404),
        probe(
            "POST",
            format!("/v1/transfers/{t}/accept"),
            Some(json!({"authCode": "AAAAA-AAAAA", "decisions": decisions})),
            404,
        ),
        probe("POST", format!("/v1/transfers/{t}/reject"), Some(json!({"reason": "no"})), 404),
        probe("POST", format!("/v1/transfers/{t}/cancel"), Some(json!({"reason": "no"})), 404),
        probe(
            "POST",
            "/v1/transfers",
            Some(json!({"destinationDistrictId": GAMMA, "caseIds": [other.only_case]})),
            404,
        ),
        probe("GET", "/v1/record-requests?direction=incoming", None, 200),
        probe("GET", "/v1/record-requests?direction=outgoing", None, 200),
        probe("GET", format!("/v1/record-requests/{}", other_request), None, 404),
        probe(
            "POST",
            format!("/v1/record-requests/{}/decline", other_request),
            Some(json!({"reason": "no_records"})),
            404,
        ),
        probe("POST", format!("/v1/record-requests/{}/withdraw", other_request), Some(json!({})), 404),
        probe("GET", "/v1/notifications?limit=100", None, 200),
        probe("POST", format!("/v1/notifications/{other_note}/read"), None, 404),
        probe("GET", "/v1/cases/c-900/disclosures", None, 200),
        probe("GET", format!("/v1/cases/{}/disclosures", other.only_case), None, 404),
        probe("GET", "/v1/disclosures?limit=100", None, 200),
        probe("GET", "/v1/parent-notices?status=open", None, 200),
        probe("GET", "/v1/parent-notices?status=done", None, 200),
        probe(
            "POST",
            format!("/v1/parent-notices/{other_task}/done"),
            Some(json!({"method": "phone", "notifiedOn": "2026-09-03"})),
            404,
        ),
        probe("POST", format!("/v1/parent-notices/{other_task}/not-required"), Some(json!({"reason": "no"})), 404),
        // District administration: the same user id in both districts is each district's own.
        probe("GET", "/v1/users?limit=100", None, 200),
        probe("GET", format!("/v1/users?q={}", other.district), None, 200),
        probe("PUT", format!("/v1/users/u-{}", other.only_case), Some(json!({"active": false})), 404),
        probe("PUT", "/v1/users/u-admin", Some(json!({"name": format!("Admin of {}", me.name)})), 200),
        probe(
            "POST",
            "/v1/users",
            Some(json!({"id": "u-admin", "name": "T", "email": "t@x.org", "permissions": []})),
            409,
        ),
        probe("GET", "/v1/audit?limit=100", None, 200),
    ]
}

/// What each party owns: a request to Gamma (revealed there), a notification, a records request, a task.
struct Owned {
    transfer: String,
    note: String,
    request: String,
    task: String,
}

async fn call(app: &TestApp, user: &str, p: &Probe) -> Reply {
    app.request(p.method, Some(user), &p.path, p.body.clone(), &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn districts_with_the_same_ids_never_see_or_change_each_other() {
    let app = spawn_app_from_files(Mailer::local(), vec![ALPHA.file(), BETA.file(), gamma_file()]).await;
    // Each side has a pending request of its own (from its `c-900`) and a notification about it.
    let mut own = Vec::new();
    for party in [&ALPHA, &BETA] {
        let (transfer, code) = send_to_gamma(&app, party, &["c-900"]).await;
        // Gamma enters the code: a disclosure on the party's c-900, and a task to tell the parents.
        assert_eq!(app.verify(&format!("u-admin@{GAMMA}"), &transfer, &code).await.status, 200);
        let tasks = app.get(&party.admin(), "/v1/parent-notices").await.body;
        let task = tasks["items"][0]["id"].as_str().expect("a task of its own disclosure").to_owned();
        let notes = app.get(&party.admin(), "/v1/notifications").await;
        let note = notes.body["items"][0]["id"].as_str().expect("a notification of its own send").to_owned();
        // And a records request of its own to Gamma, about a student with its secret name.
        let asked = app
            .post(
                &party.admin(),
                "/v1/record-requests",
                json!({"recipientDistrictId": GAMMA, "student": {"firstName": "Sam", "lastName": party.secret}}),
            )
            .await;
        assert_eq!(asked.status, 201, "{:?}", asked.body);
        let request = asked.body["recordRequest"]["id"].as_str().unwrap().to_owned();
        own.push(Owned { transfer, note, request, task });
    }
    for (me, other, theirs) in [(&ALPHA, &BETA, &own[1]), (&BETA, &ALPHA, &own[0])] {
        let other_t = theirs.transfer.as_str();
        let before = items_of(&app, other, other_t).await;
        for p in matrix(me, other, theirs) {
            let r = call(&app, &me.admin(), &p).await;
            let text = r.body.to_string();
            assert_eq!(r.status, p.status, "{} {} by {}: {text}", p.method, p.path, me.district);
            assert!(
                !text.contains(other.secret),
                "{} {} by {} shows the other's data: {text}",
                p.method,
                p.path,
                me.district
            );
            assert!(!text.contains(other_t), "{} {} by {} names the other's request", p.method, p.path, me.district);
            if r.status >= 400 {
                assert_eq!(r.content_type, "application/problem+json", "{} {}", p.method, p.path);
            }
        }
        assert_eq!(items_of(&app, other, other_t).await, before, "{} changed {}'s items", me.district, other.district);
        // The staff values offered are the district's own (the other's building names its district).
        let values = app.get(&me.admin(), "/v1/case-values?field=building").await.body;
        assert_eq!(values["items"], json!([format!("{} Middle", me.name)]));
    }

    // Same ids, own data: each district's c-900 is its own, with its own single history entry.
    for party in [&ALPHA, &BETA] {
        let case = app.get(&party.admin(), "/v1/cases/c-900").await;
        assert_eq!(case.body["districtId"], party.district);
        let entries = app.history(&party.admin(), "c-900").await;
        let texts: Vec<&str> = entries.iter().filter_map(|e| e["text"].as_str()).collect();
        assert_eq!(texts.iter().filter(|t| t.contains("history of")).count(), 1, "{texts:?}");
        assert!(texts.iter().any(|t| t.contains(party.secret)), "{texts:?}");
        let found = app.get(&party.admin(), &format!("/v1/cases?q={}", party.secret)).await;
        assert_eq!(found.body["items"].as_array().unwrap().len(), 2, "{:?}", found.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_freezes_and_moves_only_its_own_districts_case() {
    let app = spawn_app_from_files(Mailer::local(), vec![ALPHA.file(), BETA.file(), gamma_file()]).await;
    let beta_before = items_of(&app, &BETA, "none").await;
    let (t, code) = send_to_gamma(&app, &ALPHA, &["c-900"]).await;
    // Beta's c-900 is not held by Alpha's request.
    assert!(app.get(&BETA.admin(), "/v1/cases/c-900").await.body.get("pendingTransferId").is_none());

    // Gamma sees Alpha's history only.
    let gamma = "u-admin@d-gamma";
    let verified = app.post(gamma, &format!("/v1/transfers/{t}/verify"), json!({"authCode": code})).await;
    assert_eq!(verified.status, 200, "{:?}", verified.body);
    let text = verified.body.to_string();
    assert!(text.contains(ALPHA.secret) && !text.contains(BETA.secret), "{text}");

    let decisions = json!([{"sourceCaseId": "c-900", "link": {"type": "sis", "studentId": "s-1"},
                            "assign": {"teamName": "BTAM"}}]);
    let accepted =
        app.post(gamma, &format!("/v1/transfers/{t}/accept"), json!({"authCode": code, "decisions": decisions})).await;
    assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    let created = accepted.body["createdCases"][0]["caseId"].as_str().unwrap();
    let moved = app.get(gamma, &format!("/v1/cases/{created}")).await;
    assert_eq!(moved.body["personOfConcern"]["lastName"], "Gamma", "linked to Gamma's own s-1");
    assert!(!moved.body.to_string().contains(BETA.secret));

    assert_eq!(app.get(&ALPHA.admin(), "/v1/cases/c-900").await.body["status"], "transferred_out");
    assert_eq!(app.get(&BETA.admin(), "/v1/cases/c-900").await.body["status"], "open");
    assert_eq!(items_of(&app, &BETA, "none").await, beta_before, "Beta's items are as they were");
    // Beta's admin, a user with the same id, was told nothing.
    let beta_notes = app.get(&BETA.admin(), "/v1/notifications").await;
    assert_eq!(beta_notes.body["items"], json!([]), "{:?}", beta_notes.body);
    assert!(!app.get(&ALPHA.admin(), "/v1/notifications").await.body["items"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_one_district_never_overwrites_anothers_entries() {
    // Beta's file is imported again after Alpha's: the entry with the same id and time stays Alpha's.
    let app = spawn_app_from_files(Mailer::local(), vec![ALPHA.file(), BETA.file(), ALPHA.file(), BETA.file()]).await;
    for party in [&ALPHA, &BETA] {
        let entries = app.history(&party.admin(), "c-900").await;
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0]["text"], format!("{} history of c-900", party.secret));
    }
}
