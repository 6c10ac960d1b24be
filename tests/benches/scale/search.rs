//! Case search in a district of 500 cases and one of 50,000, side by side.

use e2e::{spawn_app_with, TestApp};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ROUNDS: usize = 30;

/// Names from syllables, so that prefixes spread as real names do; a tenth of the cases belong to the
/// Lincoln team; one case, in the middle of the district, to a last name nobody else has.
fn district(id: &str, cases: usize) -> Vec<Value> {
    const SYL: [&str; 16] =
        ["ba", "ro", "mi", "ka", "len", "dor", "sa", "ve", "ti", "na", "gar", "lo", "pe", "ri", "son", "wel"];
    let name = |k: usize| {
        let mut n = String::new();
        for s in [k % 16, k / 16 % 16, k / 256 % 16] {
            n.push_str(SYL[s]);
        }
        let mut c = n.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
    };
    (0..cases)
        .map(|i| {
            let last = if i == cases / 2 { "Quintanilla-Oyelaran".to_owned() } else { name(i * 7919 % 4096) };
            let (building, team) = if i % 10 == 0 {
                ("Lincoln Middle School".to_owned(), "Lincoln BTAM".to_owned())
            } else {
                (format!("{} Elementary", name(i % 97)), format!("{} Team", name(i % 89 + 300)))
            };
            json!({"id": format!("c-{i}"), "districtId": id, "caseNumber": format!("2026-{i:05}"),
                   "personOfConcern": {"firstName": name(i * 31 % 4096 + 11), "lastName": last},
                   "building": building, "teamName": team, "teamLeader": format!("{} {}", name(i % 41), name(i % 43)),
                   "caseManager": format!("{} {}", name(i % 47), name(i % 53)), "status": "open",
                   "openedAt": "2026-01-01T00:00:00Z", "entries": []})
        })
        .collect()
}

fn data() -> Value {
    let mut cases = district("d-small", 500);
    cases.extend(district("d-big", 50_000));
    json!({
        "districts": [{"id": "d-small", "name": "Small", "transfersEnabled": true},
                      {"id": "d-big", "name": "Big", "transfersEnabled": true}],
        "users": [{"id": "u-small", "districtId": "d-small", "name": "S", "email": "s@small.example", "permissions": ["manage_cases"]},
                  {"id": "u-big", "districtId": "d-big", "name": "B", "email": "b@big.example", "permissions": ["manage_cases"]}],
        "cases": cases
    })
}

/// p50 latency and DynamoDB calls of one search, and how many cases its page held.
async fn measure(app: &TestApp, user: &str, q: &str) -> (Duration, usize, usize) {
    let mut times = Vec::with_capacity(ROUNDS);
    let (mut calls, mut found) = (0, 0);
    for _ in 0..ROUNDS {
        app.dynamodb_calls.take();
        let start = Instant::now();
        let r = app.get(user, &format!("/v1/cases?q={q}&limit=25")).await;
        times.push(start.elapsed());
        assert_eq!(r.status, 200, "{q}: {:?}", r.body);
        calls = app.dynamodb_calls.take();
        found = r.body["items"].as_array().map_or(0, Vec::len);
    }
    times.sort();
    (times[ROUNDS / 2], calls, found)
}

pub async fn run() {
    let started = Instant::now();
    let app = spawn_app_with(shared::mail::Mailer::local(), data()).await;
    println!(
        "\n## Case search: 500 cases against 50,000 (imported in {:.0} s), p50 of {ROUNDS}, first page of 25\n",
        started.elapsed().as_secs_f64()
    );
    println!("| search | 500 cases: ms | calls | found | 50,000 cases: ms | calls | found | ratio |");
    println!("|---|---|---|---|---|---|---|---|");
    for (what, q) in [
        ("a last name held by one case", "quintanilla"),
        ("a team name held by a tenth", "lincoln"),
        ("two words, a tenth each", "lincoln%20btam"),
        ("a one-letter prefix", "b"),
    ] {
        let (small, small_calls, small_found) = measure(&app, "u-small", q).await;
        let (big, big_calls, big_found) = measure(&app, "u-big", q).await;
        println!(
            "| {what} (`{q}`) | {:.2} | {small_calls} | {small_found} | {:.2} | {big_calls} | {big_found} | {:.2}x |",
            small.as_secs_f64() * 1000.0,
            big.as_secs_f64() * 1000.0,
            big.as_secs_f64() / small.as_secs_f64()
        );
    }
}
