//! The end-to-end workflow against the Lambda functions running in SAM's own containers:
//! `scripts/sam-local.sh test` starts them behind `portal serve --lambda-endpoint` and sets
//! `PORTAL_URL`. Ignored in the ordinary run (nothing to talk to). Prints each route's latency through
//! the containers: the first call of a route, then the median of five more.

use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

struct Portal {
    base: String,
    http: reqwest::Client,
    timings: std::sync::Mutex<BTreeMap<&'static str, Vec<Duration>>>,
}

impl Portal {
    async fn token(&self, user: &str, district: &str) -> String {
        let r = self
            .http
            .post(format!("{}/local/sign-in", self.base))
            .json(&json!({"userId": user, "districtId": district}))
            .send()
            .await
            .expect("sign-in answers");
        let body: Value = r.json().await.expect("a token");
        body["token"].as_str().expect("a token").to_owned()
    }

    async fn call(&self, route: &'static str, token: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let method = Method::from_bytes(route.split(' ').next().unwrap_or("GET").as_bytes()).expect("a method");
        let mut req = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let started = Instant::now();
        let r = req.send().await.expect("the portal answers");
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        self.timings.lock().expect("not poisoned").entry(route).or_default().push(started.elapsed());
        assert!(status < 500, "{route} {path}: {status} {text}");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn ok(&self, route: &'static str, token: &str, path: &str, body: Option<Value>) -> Value {
        let (status, v) = self.call(route, token, path, body).await;
        assert!(status == 200 || status == 201, "{route} {path}: {status} {v}");
        v
    }
}

#[tokio::test]
#[ignore = "needs the functions in SAM's containers: scripts/sam-local.sh test"]
async fn the_workflow_runs_against_the_functions_in_sam_containers() {
    let base = std::env::var("PORTAL_URL").expect("PORTAL_URL (scripts/sam-local.sh test sets it)");
    let p = Portal { base, http: reqwest::Client::new(), timings: Default::default() };
    let alice = p.token("u-alice", "d-springfield").await;
    let carol = p.token("u-carol", "d-shelbyville").await;
    let erin = p.token("u-erin", "d-capital").await;

    let me = p.ok("GET /v1/me", &alice, "/v1/me", None).await;
    assert_eq!(me["district"]["name"], "Springfield Unified");
    assert_eq!(p.ok("GET /v1/settings/transfers", &erin, "/v1/settings/transfers", None).await["enabled"], false);
    let on = p.ok("PUT /v1/settings/transfers", &erin, "/v1/settings/transfers", Some(json!({"enabled": true}))).await;
    assert_eq!(on["updatedBy"], "u-erin");
    let districts = p.ok("GET /v1/districts", &alice, "/v1/districts", None).await;
    assert!(districts.to_string().contains("Capital City School District"));
    let found = p.ok("GET /v1/cases", &alice, "/v1/cases?q=lincoln", None).await;
    assert!(!found["items"].as_array().expect("items").is_empty());
    assert_eq!(p.ok("GET /v1/cases/{caseId}", &alice, "/v1/cases/c-2", None).await["caseNumber"], "2026-0002");
    p.ok("GET /v1/cases/{caseId}/entries", &alice, "/v1/cases/c-2/entries", None).await;

    // Send, with a retry of the same key: one request, the code once.
    let send = json!({"destinationDistrictId": "d-shelbyville", "caseIds": ["c-2", "c-4"], "notes": "Family moved."});
    let sent = p.ok("POST /v1/transfers", &alice, "/v1/transfers", Some(send)).await;
    let (id, code) =
        (sent["transfer"]["id"].as_str().expect("id").to_owned(), sent["authCode"].as_str().expect("code").to_owned());
    let incoming = p.ok("GET /v1/transfers", &carol, "/v1/transfers?direction=incoming", None).await;
    assert!(incoming.to_string().contains(&id) && !incoming.to_string().contains("Finley"));
    let (status, wrong) = p
        .call(
            "POST /v1/transfers/{id}/verify",
            &carol,
            &format!("/v1/transfers/{id}/verify"),
            Some(json!({"authCode": "WRONG-CODE1"})),
        )
        .await;
    assert_eq!((status, wrong["code"].as_str()), (422, Some("invalid_auth_code")));
    let verified = p
        .ok(
            "POST /v1/transfers/{id}/verify",
            &carol,
            &format!("/v1/transfers/{id}/verify"),
            Some(json!({"authCode": code})),
        )
        .await;
    assert_eq!(verified["cases"].as_array().map(Vec::len), Some(2));
    let details = p.ok("GET /v1/transfers/{id}", &carol, &format!("/v1/transfers/{id}"), None).await;
    assert!(!details.to_string().contains(&code));
    p.ok("GET /v1/transfers/{id}/events", &carol, &format!("/v1/transfers/{id}/events"), None).await;
    let frozen = p
        .ok(
            "GET /v1/transfers/{id}/cases/{sourceCaseId}/entries",
            &carol,
            &format!("/v1/transfers/{id}/cases/c-2/entries"),
            None,
        )
        .await;
    assert!(!frozen["items"].as_array().expect("items").is_empty());
    let students = p.ok("GET /v1/students", &carol, "/v1/students", None).await;
    let student = students["items"][0]["id"].as_str().expect("a student").to_owned();
    let decisions = json!([{"sourceCaseId": "c-2", "link": {"type": "sis", "studentId": student}},
                           {"sourceCaseId": "c-4", "link": {"type": "transfer_info"}}]);
    let accepted = p
        .ok(
            "POST /v1/transfers/{id}/accept",
            &carol,
            &format!("/v1/transfers/{id}/accept"),
            Some(json!({"authCode": code, "decisions": decisions})),
        )
        .await;
    assert_eq!(accepted["createdCases"].as_array().map(Vec::len), Some(2));
    assert_eq!(p.ok("GET /v1/cases/{caseId}", &alice, "/v1/cases/c-2", None).await["status"], "transferred_out");

    // Reject, cancel and a new code.
    let one = |case: &str| json!({"destinationDistrictId": "d-shelbyville", "caseIds": [case]});
    let t = p.ok("POST /v1/transfers", &alice, "/v1/transfers", Some(one("c-5"))).await["transfer"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let rejected = p
        .ok(
            "POST /v1/transfers/{id}/reject",
            &carol,
            &format!("/v1/transfers/{t}/reject"),
            Some(json!({"reason": "Not enrolled."})),
        )
        .await;
    assert_eq!(rejected["status"], "rejected");
    let t = p.ok("POST /v1/transfers", &alice, "/v1/transfers", Some(one("c-6"))).await["transfer"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let fresh = p.ok("POST /v1/transfers/{id}/code", &alice, &format!("/v1/transfers/{t}/code"), None).await;
    assert!(fresh["authCode"].is_string());
    let cancelled =
        p.ok("POST /v1/transfers/{id}/cancel", &alice, &format!("/v1/transfers/{t}/cancel"), Some(json!({}))).await;
    assert_eq!(cancelled["status"], "cancelled");
    p.ok("GET /v1/transfers", &alice, "/v1/transfers?direction=outgoing", None).await;

    // Notifications: the table's stream brings each outbox message to the deliver function in its
    // container (portal serve reads the stream as the event source mapping would); they follow the
    // requests, which did not wait for them.
    let mut notes = Value::Null;
    for _ in 0..300 {
        notes = p.ok("GET /v1/notifications", &alice, "/v1/notifications", None).await;
        if notes["items"].as_array().is_some_and(|i| i.len() >= 2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let first = notes["items"][0]["id"].as_str().expect("a notification, delivered by the deliver function").to_owned();
    p.ok("POST /v1/notifications/{id}/read", &alice, &format!("/v1/notifications/{first}/read"), None).await;

    // The records office and district administration, in their own functions' containers.
    p.ok("GET /v1/cases/{caseId}/disclosures", &alice, "/v1/cases/c-2/disclosures", None).await;
    p.ok("GET /v1/disclosures", &alice, "/v1/disclosures", None).await;
    p.ok("GET /v1/parent-notices", &alice, "/v1/parent-notices", None).await;
    let users = p.ok("GET /v1/users", &alice, "/v1/users", None).await;
    assert!(users["items"].as_array().is_some_and(|u| u.iter().any(|u| u["id"] == "u-sam")), "{users}");
    let changed = p.ok("PUT /v1/users/{userId}", &alice, "/v1/users/u-sam", Some(json!({"name": "Sam Lee"}))).await;
    assert_eq!(changed["name"], "Sam Lee");
    let audit = p.ok("GET /v1/audit", &alice, "/v1/audit", None).await;
    assert_eq!(audit["items"][0]["action"], "user.changed");

    // Warm numbers: five more of each read.
    for _ in 0..5 {
        p.ok("GET /v1/me", &alice, "/v1/me", None).await;
        p.ok("GET /v1/cases", &alice, "/v1/cases?q=lincoln", None).await;
        p.ok("GET /v1/transfers/{id}", &carol, &format!("/v1/transfers/{id}"), None).await;
        p.ok("GET /v1/settings/transfers", &erin, "/v1/settings/transfers", None).await;
        p.ok("GET /v1/notifications", &alice, "/v1/notifications", None).await;
    }
    println!("\n| route (through SAM's containers) | calls | first ms | median ms |");
    println!("|---|---|---|---|");
    for (route, times) in p.timings.lock().expect("not poisoned").iter() {
        let mut sorted = times.clone();
        sorted.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!("| {route} | {} | {:.0} | {:.0} |", times.len(), ms(times[0]), ms(sorted[sorted.len() / 2]));
    }
}
