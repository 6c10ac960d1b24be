//! The benchmark transfer through the function binaries.

use crate::function::{binary, event};
use crate::runtime::{invoke, Invoked};
use e2e::spawn_app_with;
use serde_json::{json, Value};
use std::time::Instant;

const CASES: usize = 25;
const ENTRIES: usize = 2_000;
const TEXT: usize = 500;

fn data() -> Value {
    let cases: Vec<Value> = (1..=CASES)
        .map(|i| {
            let entries: Vec<Value> = (0..ENTRIES)
                .map(|e| {
                    let mut text = format!("Entry {e} of case {i}: follow-up with the family and the school team. ");
                    text.extend(std::iter::repeat_n('x', TEXT - text.len()));
                    let at = chrono::DateTime::UNIX_EPOCH
                        + chrono::Duration::days(20_454)
                        + chrono::Duration::minutes(e as i64);
                    json!({"id": format!("e-{e}"), "at": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                           "type": "note", "author": "Case Manager", "text": text})
                })
                .collect();
            json!({"id": format!("c-h{i}"), "districtId": "d-north", "caseNumber": format!("2026-{i:04}"),
                   "personOfConcern": {"firstName": "Heavy", "lastName": format!("Case{i}")},
                   "building": "North High School", "teamName": "North BTAM", "teamLeader": "Priya Raman",
                   "caseManager": "Marcus Bell", "status": "open", "openedAt": "2026-01-01T00:00:00Z",
                   "entries": entries})
        })
        .collect();
    json!({
        "districts": [{"id": "d-north", "name": "North", "transfersEnabled": true},
                      {"id": "d-south", "name": "South", "transfersEnabled": true}],
        "users": [{"id": "u-nora", "districtId": "d-north", "name": "Nora North", "email": "nora@north.example", "permissions": ["manage_cases"]},
                  {"id": "u-sam", "districtId": "d-south", "name": "Sam South", "email": "sam@south.example", "permissions": ["manage_cases"]}],
        "cases": cases
    })
}

pub async fn run() {
    let started = Instant::now();
    let app = spawn_app_with(shared::mail::Mailer::local(), data()).await;
    let moto = e2e::moto::Moto::start().await;
    moto.mailer().await;
    println!(
        "\n## The benchmark transfer: {CASES} cases x {ENTRIES} entries x {TEXT} characters (imported in {:.1} s)\n",
        started.elapsed().as_secs_f64()
    );
    let env = vec![
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "bench".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "bench".to_owned()),
        ("AWS_ENDPOINT_URL_DYNAMODB", app.dynamodb_url.clone()),
        // SES is moto (`./scripts/venv.sh` installs it): each send and accept emails both districts.
        ("AWS_ENDPOINT_URL_SESV2", moto.url.clone()),
        ("AWS_LAMBDA_FUNCTION_NAME", "bench".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "1".to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
        ("TABLE_NAME", app.app.store.table_name().to_owned()),
        ("AUTH_CODE_SECRET", "bench-secret-bench-secret-bench-secret".to_owned()),
        ("MAIL_FROM", e2e::moto::FROM.to_owned()),
        ("RUST_LOG", "warn".to_owned()),
    ];
    let (send, accept, list) = (binary("send"), binary("accept"), binary("list"));
    let mut rows: Vec<(String, &str, Invoked)> = Vec::new();

    let ids: Vec<String> = (1..=CASES).map(|i| format!("c-h{i}")).collect();
    let body = json!({"destinationDistrictId": "d-south", "caseIds": ids, "notes": "Bench"});
    let sent = invoke(
        &send,
        &env,
        event("POST /v1/transfers", "/v1/transfers", json!({}), "", Some(body), "u-nora", "d-north"),
    )
    .await;
    assert_eq!(sent.status, 201, "{:?}", sent.body);
    let id = sent.body["transfer"]["id"].as_str().expect("an id").to_owned();
    let code = sent.body["authCode"].as_str().expect("a code").to_owned();
    rows.push(("send (25 cases)".into(), "send", sent));

    let one = |route: &'static str, path: String, params: Value, query: &'static str, body: Option<Value>| {
        event(route, &path, params, query, body, "u-sam", "d-south")
    };
    let verify = one(
        "POST /v1/transfers/{id}/verify",
        format!("/v1/transfers/{id}/verify"),
        json!({"id": id}),
        "",
        Some(json!({"authCode": code})),
    );
    rows.push(("verify".into(), "accept", invoke(&accept, &env, verify).await));
    let details = one("GET /v1/transfers/{id}", format!("/v1/transfers/{id}"), json!({"id": id}), "", None);
    rows.push(("details".into(), "list", invoke(&list, &env, details).await));
    let frozen = one(
        "GET /v1/transfers/{id}/cases/{sourceCaseId}/entries",
        format!("/v1/transfers/{id}/cases/c-h1/entries"),
        json!({"id": id, "sourceCaseId": "c-h1"}),
        "limit=500",
        None,
    );
    rows.push(("frozen history, 500 entries".into(), "list", invoke(&list, &env, frozen).await));
    let decisions: Vec<Value> =
        (1..=CASES).map(|i| json!({"sourceCaseId": format!("c-h{i}"), "link": {"type": "transfer_info"}})).collect();
    let accepted = invoke(
        &accept,
        &env,
        one(
            "POST /v1/transfers/{id}/accept",
            format!("/v1/transfers/{id}/accept"),
            json!({"id": id}),
            "",
            Some(json!({"authCode": code, "decisions": decisions})),
        ),
    )
    .await;
    let created = accepted.body["createdCases"][0]["caseId"].as_str().unwrap_or_default().to_owned();
    rows.push(("accept (25 cases)".into(), "accept", accepted));
    let history = one(
        "GET /v1/cases/{caseId}/entries",
        format!("/v1/cases/{created}/entries"),
        json!({"caseId": created}),
        "limit=500",
        None,
    );
    rows.push(("new case's history, 500 entries".into(), "list", invoke(&list, &env, history).await));

    println!("| call | function | status | ms | response bytes | peak RSS MiB |");
    println!("|---|---|---|---|---|---|");
    for (name, function, r) in &rows {
        println!(
            "| {name} | {function} | {} | {:.1} | {} | {:.1} |",
            r.status,
            r.elapsed.as_secs_f64() * 1000.0,
            r.body_bytes,
            r.peak_rss_mib
        );
    }
    let largest = rows.iter().map(|r| r.2.body_bytes).max().unwrap_or(0);
    let peak = rows.iter().map(|r| r.2.peak_rss_mib).fold(0.0, f64::max);
    let slowest = rows.iter().map(|r| r.2.elapsed.as_secs_f64()).fold(0.0, f64::max);
    println!("\nlargest response {largest} bytes (limit 1,048,576); highest peak RSS {peak:.1} MiB (limit 64); slowest call {slowest:.2} s (limit 10)");
    let failed: Vec<_> = rows.iter().filter(|r| r.2.status >= 300).map(|r| (&r.0, r.2.status, &r.2.body)).collect();
    assert!(failed.is_empty(), "{failed:?}");
}
