//! The record of disclosures, measured: `cargo bench -p e2e --bench disclosures`. Prints, in one run:
//!
//! 1. the export of a district's 20,000 disclosures in a year (`DISCLOSURES` to change it) as CSV
//!    pages of 400 and as JSON pages of 100: pages, time per page, the largest page's size (each must
//!    stay under 1 MiB) and DynamoDB calls per page;
//! 2. one case's record (50 rows) in that district and in a district with nothing else: its time and
//!    calls follow the case, not the district.
//!
//! Against Dynoxide on this machine: the numbers compare designs, they are not AWS's.

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use chrono::Duration as Days;
use e2e::{spawn_app, TestApp};
use futures::stream::{self, StreamExt};
use shared::domain::disclosure::{AccessKind, AccessRecord, DisclosureRow, LEGITIMATE_INTEREST};
use shared::domain::{CaseId, DistrictId, DistrictRef, Timestamp, TransferId, UserId, UserRef};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(times: &mut [Duration], q: f64) -> f64 {
    times.sort();
    ms(times[((times.len() - 1) as f64 * q).round() as usize])
}

/// `n` rows of `district`'s cases (`cases` in turn), one every few minutes over the year before now.
async fn seed(app: &TestApp, district: &str, cases: &[String], n: usize) {
    let district = DistrictId::parse(district).expect("an id");
    let user = |id: &str, name: &str| UserRef { id: UserId::parse(id).expect("an id"), name: name.into() };
    let now = Timestamp::now();
    let rows: Vec<_> = (0..n)
        .map(|i| {
            let row = DisclosureRow {
                case_id: CaseId::parse(&cases[i % cases.len()]).expect("an id"),
                record: AccessRecord {
                    at: now - Days::minutes((i as i64 * 525_600) / n as i64 + 1),
                    kind: AccessKind::Disclosure,
                    party: DistrictRef {
                        id: DistrictId::parse("d-south").expect("an id"),
                        name: "South County Schools".into(),
                    },
                    legitimate_interest: LEGITIMATE_INTEREST.into(),
                    transfer_id: Some(TransferId::parse(&format!("t-bench{i:08}")).expect("an id")),
                    record_request_id: None,
                    sent_by: Some(user("u-ann", "Ann Northcott-Villanueva")),
                    revealed_to: Some(user("u-sue", "Sue Southerland-Okonkwo")),
                    case_number: format!("2026-{:04}", i % 9_999),
                    entry_count: 40,
                },
            };
            shared::store::disclosures::row_item(&district, &row).expect("an item")
        })
        .collect();
    let client = app.app.store.client();
    let table = app.app.store.table_name();
    stream::iter(rows.chunks(25).map(|c| c.to_vec()).collect::<Vec<_>>())
        .map(|chunk| async move {
            let writes = chunk
                .into_iter()
                .map(|item| {
                    WriteRequest::builder()
                        .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
                        .build()
                })
                .collect();
            client.batch_write_item().request_items(table, writes).send().await.expect("seeded");
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
}

/// Every page of `path` (following `nextCursor` or the `Link` header): times, sizes, calls, rows.
async fn pages(app: &TestApp, path: &str, csv: bool) -> (Vec<Duration>, Vec<usize>, Vec<usize>, usize) {
    let (mut times, mut sizes, mut calls, mut rows) = (Vec::new(), Vec::new(), Vec::new(), 0);
    let mut next = Some(path.to_owned());
    let accept: &[(&str, &str)] = if csv { &[("accept", "text/csv")] } else { &[] };
    while let Some(path) = next.take() {
        app.dynamodb_calls.take();
        let start = Instant::now();
        let r = app.request("GET", Some("u-ann"), &path, None, accept).await;
        times.push(start.elapsed());
        calls.push(app.dynamodb_calls.take());
        assert_eq!(r.status, 200, "{path}");
        if csv {
            let text = r.body.as_str().expect("CSV").to_owned();
            sizes.push(text.len());
            rows += csv::Reader::from_reader(text.as_bytes()).records().count();
            next = r
                .headers
                .get("link")
                .map(|l| l.to_str().unwrap().trim_start_matches('<').split('>').next().unwrap().to_owned());
        } else {
            sizes.push(r.body.to_string().len());
            rows += r.body["items"].as_array().expect("items").len();
            let base = path.split("&cursor=").next().unwrap().to_owned();
            next = r.body["nextCursor"].as_str().map(|c| format!("{base}&cursor={c}"));
        }
    }
    (times, sizes, calls, rows)
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("DISCLOSURES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let app = spawn_app().await;
    app.auto_deliver.store(false, std::sync::atomic::Ordering::SeqCst);
    let started = Instant::now();
    let others: Vec<String> = (2..=30).map(|i| format!("c-n{i}")).collect();
    seed(&app, "d-north", &["c-n1".to_owned()], 50).await;
    seed(&app, "d-north", &others, n - 50).await;
    seed(&app, "d-south", &["c-s1".to_owned()], 50).await;
    println!("(seeded {n} rows in North and 50 in South in {:.1} s)\n", started.elapsed().as_secs_f64());

    println!("| export of {n} rows | pages | rows | p50 ms/page | p95 ms/page | largest page | DynamoDB calls/page |");
    println!("|---|---|---|---|---|---|---|");
    for (label, path, csv) in [
        ("CSV, pages of 400", "/v1/disclosures?limit=400", true),
        ("JSON, pages of 100", "/v1/disclosures?limit=100", false),
    ] {
        let (mut times, sizes, calls, rows) = pages(&app, path, csv).await;
        let largest = *sizes.iter().max().unwrap();
        assert!(largest < 1 << 20, "a page of {largest} bytes");
        assert_eq!(rows, n, "{label}: every row once");
        let total: Duration = times.iter().sum();
        println!(
            "| {label} | {} | {rows} | {:.1} | {:.1} | {:.0} KB | {:.1} (max {}) |  total {:.2} s",
            times.len(),
            percentile(&mut times, 0.5),
            percentile(&mut times, 0.95),
            largest as f64 / 1024.0,
            calls.iter().sum::<usize>() as f64 / calls.len() as f64,
            calls.iter().max().unwrap(),
            total.as_secs_f64()
        );
    }

    println!("\n| one case's record (50 rows) | p50 ms | p95 ms | DynamoDB calls |\n|---|---|---|---|");
    for (user, case, label) in
        [("u-ann", "c-n1", format!("in North ({n} rows)")), ("u-sue", "c-s1", "in South (50 rows)".to_owned())]
    {
        let (mut times, mut calls) = (Vec::new(), Vec::new());
        for _ in 0..30 {
            app.dynamodb_calls.take();
            let start = Instant::now();
            let r = app.get(user, &format!("/v1/cases/{case}/disclosures?limit=100")).await;
            times.push(start.elapsed());
            calls.push(app.dynamodb_calls.take());
            assert_eq!(r.body["items"].as_array().unwrap().len(), 50);
        }
        println!(
            "| {case} {label} | {:.1} | {:.1} | {} |",
            percentile(&mut times, 0.5),
            percentile(&mut times, 0.95),
            calls[0]
        );
    }
}
