//! The export an auditor opens in a spreadsheet: read back with a real CSV reader, every name whole,
//! a name that starts with `=` not a formula, pages linked by `Link: rel="next"`, days in the
//! district's time zone.

use chrono::Duration;
use e2e::spawn_app_with;
use serde_json::json;
use shared::mail::Mailer;

const SENDER: &str = "=HYPERLINK(\"http://x.example\"), Jr.";
const RECEIVER: &str = "Çelik, \"Chip\" O'Neil";
const PARTY: &str = "Zoë's \"Best\", École District";

fn file() -> serde_json::Value {
    let case = |i: u32| {
        json!({"id": format!("c-{i}"), "districtId": "d-from", "caseNumber": format!("2026-{i:04}"),
               "personOfConcern": {"firstName": "Ana", "lastName": format!("Núñez{i}")},
               "building": "B", "teamName": "T", "teamLeader": "L", "caseManager": "M", "status": "open",
               "openedAt": "2026-09-02T15:04:05Z", "entries": []})
    };
    json!({
        "districts": [
            {"id": "d-from", "name": "=SUM(1), \"Ærø\" Nord", "transfersEnabled": true, "timeZone": "Pacific/Kiritimati"},
            {"id": "d-to", "name": PARTY, "transfersEnabled": true}
        ],
        "users": [
            {"id": "u-from", "districtId": "d-from", "name": SENDER, "email": "from@from.example", "permissions": ["manage_cases"]},
            {"id": "u-to", "districtId": "d-to", "name": RECEIVER, "email": "to@to.example", "permissions": ["manage_cases"]}
        ],
        "cases": [case(1), case(2), case(3)]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_opens_as_is_with_every_name_intact() {
    let app = spawn_app_with(Mailer::local(), file()).await;
    let (t, code) = app.sent("u-from", &["c-1", "c-2", "c-3"], "d-to").await;
    assert_eq!(app.verify("u-to", &t, &code).await.status, 200);

    // Two pages of two and one, each a whole CSV file with its header.
    let mut rows = Vec::new();
    let mut path = "/v1/disclosures?limit=2".to_owned();
    let mut pages = 0;
    loop {
        let r = app.request("GET", Some("u-from"), &path, None, &[("accept", "text/csv")]).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(r.content_type, "text/csv; charset=utf-8");
        let disposition = r.headers.get("content-disposition").unwrap().to_str().unwrap();
        assert!(disposition.starts_with("attachment"), "{disposition}");
        let text = r.body.as_str().expect("CSV text").to_owned();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(header[..3], ["at", "kind", "caseId"]);
        for record in reader.records() {
            let record = record.expect("RFC 4180");
            rows.push(header.iter().cloned().zip(record.iter().map(str::to_owned)).collect::<Vec<_>>());
        }
        pages += 1;
        let Some(link) = r.headers.get("link") else { break };
        let link = link.to_str().unwrap();
        assert!(link.ends_with(">; rel=\"next\""), "{link}");
        path = link.trim_start_matches('<').split('>').next().unwrap().to_owned();
    }
    assert_eq!((pages, rows.len()), (2, 3));
    let field = |row: &Vec<(String, String)>, name: &str| row.iter().find(|(k, _)| k == name).unwrap().1.clone();
    for row in &rows {
        assert_eq!(field(row, "partyName"), PARTY);
        assert_eq!(field(row, "revealedToName"), RECEIVER);
        // A spreadsheet shows the name; it does not run it.
        assert_eq!(field(row, "sentByName"), format!("'{SENDER}"));
        assert_eq!(field(row, "kind"), "disclosure");
        assert_eq!(field(row, "transferId"), t);
    }
    let mut cases: Vec<String> = rows.iter().map(|r| field(r, "caseId")).collect();
    cases.sort();
    assert_eq!(cases, ["c-1", "c-2", "c-3"]);

    // The range is in the district's days (Kiritimati is UTC+14): today there holds the rows, the
    // days before and after do not.
    let today = app.app.clock.now().0.with_timezone(&chrono_tz::Pacific::Kiritimati).date_naive();
    let count = |from: chrono::NaiveDate, to: chrono::NaiveDate| {
        let app = &app;
        async move {
            let r = app.get("u-from", &format!("/v1/disclosures?from={from}&to={to}&limit=100")).await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            r.body["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(count(today, today).await, 3);
    assert_eq!(count(today - Duration::days(7), today - Duration::days(1)).await, 0);
    assert_eq!(count(today + Duration::days(1), today + Duration::days(1)).await, 0);
    // Bad input names its field.
    for (query, field) in
        [("from=2026-13-01", "from"), ("to=yesterday", "to"), ("to=", "to"), ("from=2026-12-02&to=2026-12-01", "to")]
    {
        let r = app.get("u-from", &format!("/v1/disclosures?{query}")).await;
        assert!(r.is_problem(400, "validation_failed"), "{query}: {:?}", r.body);
        assert_eq!(r.body["errors"][0]["field"], field, "{query}");
    }
    // Before the portal's first day: nothing, not an error.
    assert_eq!(app.get("u-from", "/v1/disclosures?to=0214-06-29").await.body["items"], serde_json::json!([]));
    let r = app.request("GET", Some("u-from"), "/v1/disclosures?limit=401", None, &[("accept", "text/csv")]).await;
    assert!(r.is_problem(400, "validation_failed"), "{:?}", r.body);
}
