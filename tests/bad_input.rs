//! The bad-input sweep: over-long and odd values (control characters, `#`, non-ASCII, bytes that are
//! not UTF-8) in every field of every route. Ids and numbers must be refused with a 4xx
//! problem+json naming the field; free text (a search, notes, a reason) may hold any printable
//! character, but never an over-long value or a control character. Nothing is ever a 5xx, and
//! nothing reaches DynamoDB's own key checks (which would answer 503 with `Retry-After`).

use e2e::fixture::SOUTH;
use e2e::{spawn_app, Reply, TestApp};
use serde_json::{json, Value};
use shared::routes::Route;
use std::collections::BTreeSet;

/// Odd values for an id, as they go into a URL (already percent-encoded) ...
const ODD_IN_URL: &[&str] = &["a%23b", "%C3%A9", "a%00b", "a%07b", "%FF%FE", "a%20b", "a%2Fb", "..%2F..%2Fx"];

/// ... and as they go into JSON.
fn odd_in_json() -> Vec<Value> {
    vec![
        json!("x".repeat(2_100)),
        json!("x".repeat(129)),
        json!("a#b"),
        json!("é"),
        json!("a\u{0}b"),
        json!("a\u{7}b"),
        json!(""),
        json!(5),
        json!(null),
        json!(["c-n1"]),
    ]
}

fn long_in_url(n: usize) -> String {
    "x".repeat(n)
}

/// A problem+json 4xx, never anything else.
fn assert_refused(r: &Reply, status: u16, what: &str) {
    assert_eq!(r.status, status, "{what}: {:?}", r.body);
    assert_eq!(r.content_type, "application/problem+json", "{what}");
    for k in ["type", "title", "status", "detail", "code"] {
        assert!(r.body.get(k).is_some(), "{what}: {k} missing in {:?}", r.body);
    }
    assert!(r.headers.get("retry-after").is_none(), "{what}: a client must not retry bad input");
}

/// The field a 400 names.
fn field(r: &Reply) -> String {
    r.body["errors"][0]["field"].as_str().unwrap_or("").to_owned()
}

async fn announce_huge_body(app: &TestApp) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base.trim_start_matches("http://");
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /v1/transfers HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{{",
        app.token("u-ann"),
        11 * 1024 * 1024
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = conn.read(&mut buf).await.unwrap();
    let head = String::from_utf8_lossy(&buf[..n]).into_owned();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head)
}

async fn pending(app: &TestApp) -> String {
    app.sent("u-ann", &["c-n5"], SOUTH).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_that_breaks_the_id_rule_in_a_path_is_a_404_on_every_route() {
    let app = spawn_app().await;
    let t = pending(&app).await;
    let mut covered = BTreeSet::new();
    for route in Route::all().map(Route::spec).filter(|r| r.path.contains('{')) {
        covered.insert(route.path);
        let mut values: Vec<String> = ODD_IN_URL.iter().map(|v| v.to_string()).collect();
        values.push(long_in_url(129));
        values.push(long_in_url(2_100));
        for v in values {
            let path = route.path.replace("{id}", &v).replace("{caseId}", &v);
            let body = (route.method == "POST").then(|| json!({"authCode": "AAAAA-AAAAA", "decisions": []}));
            let r = app.request(route.method, Some("u-sue"), &path, body, &[]).await;
            // verify and accept read their body first: a valid one gets as far as the id.
            assert_refused(&r, 404, &format!("{} {path}", route.method));
        }
    }
    assert!(covered.len() >= 8, "{covered:?}");
    // The sweep did not disturb the real request.
    assert_eq!(app.transfer("u-ann", &t).await.body["status"], "pending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_query_parameters_are_400s_naming_the_parameter() {
    let app = spawn_app().await;
    let reads = [
        "/v1/cases?",
        "/v1/students?",
        "/v1/transfers?direction=incoming&",
        "/v1/notifications?",
        "/v1/cases/c-n1/disclosures?",
        "/v1/disclosures?",
        "/v1/parent-notices?",
    ];
    let odd_numbers = ["abc", "-1", "0", "101", "1e3", "%FF", "%00", "5%23", &long_in_url(2_100)];
    for base in reads {
        for v in odd_numbers {
            let r = app.get("u-ann", &format!("{base}limit={v}")).await;
            assert_refused(&r, 400, &format!("{base}limit={v}"));
            assert_eq!(field(&r), "limit");
        }
        for v in ["x", "%23", "%FF", "%00", "a.b", &long_in_url(2_100)] {
            let r = app.get("u-ann", &format!("{base}cursor={v}")).await;
            assert_refused(&r, 400, &format!("{base}cursor={v}"));
            assert_eq!(field(&r), "cursor");
        }
    }
    for (path, name) in [
        ("/v1/cases?status=", "status"),
        ("/v1/transfers?direction=incoming&status=", "status"),
        ("/v1/transfers?direction=", "direction"),
        ("/v1/districts?transfersEnabled=", "transfersEnabled"),
        ("/v1/cases/c-n1/entries?order=", "order"),
        ("/v1/cases?unassigned=", "unassigned"),
        ("/v1/case-values?field=", "field"),
        ("/v1/parent-notices?status=", "status"),
        ("/v1/disclosures?from=", "from"),
        ("/v1/disclosures?to=", "to"),
    ] {
        for v in ["bogus", "%C3%A9", "%00", "%FF", "a%23b", &long_in_url(2_100)] {
            let r = app.get("u-ann", &format!("{path}{v}")).await;
            assert_refused(&r, 400, &format!("{path}{v}"));
            assert_eq!(field(&r), name);
        }
    }
    // An id in a query breaks the id rule: 400 naming it.
    for v in ["%C3%A9", "%00", "%FF", "a%23b", "a%20b", &long_in_url(129)] {
        let r = app.get("u-ann", &format!("/v1/transfers?direction=outgoing&otherDistrictId={v}")).await;
        assert_refused(&r, 400, &format!("otherDistrictId={v}"));
        assert_eq!(field(&r), "otherDistrictId");
    }
    // A search is free text: any printable character is a search (and finds what it finds), but not
    // a control character, bytes that are not UTF-8, or more than 100 characters.
    for base in ["/v1/cases", "/v1/students", "/v1/case-values?field=teamName&"] {
        let base = base.trim_end_matches('&');
        let sep = if base.contains('?') { '&' } else { '?' };
        for v in ["%00", "a%07", "%FF", &long_in_url(101), &"%C3%A9".repeat(101)] {
            let r = app.get("u-ann", &format!("{base}{sep}q={v}")).await;
            assert_refused(&r, 400, &format!("{base}{sep}q={v}"));
            assert_eq!(field(&r), "q");
        }
        for v in ["a%23b", "%C3%A9", "%2C", "Reyes,%20Jordan", "%F0%9F%98%80", &long_in_url(100)] {
            let r = app.get("u-ann", &format!("{base}{sep}q={v}")).await;
            assert_eq!(r.status, 200, "{base}{sep}q={v}: {:?}", r.body);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_values_in_every_body_field_are_400s_naming_the_field() {
    let app = spawn_app().await;
    let t = pending(&app).await;
    let send = || json!({"destinationDistrictId": SOUTH, "caseIds": ["c-n1"], "notes": "n"});
    let accept = || json!({"authCode": "AAAAA-AAAAA", "decisions": [{"sourceCaseId": "c-n5", "link": {"type": "transfer_info"}}]});
    let linked = || json!({"authCode": "AAAAA-AAAAA", "decisions": [{"sourceCaseId": "c-n5", "link": {"type": "sis", "studentId": "s-100"}}]});
    let assigned = || {
        json!({"authCode": "AAAAA-AAAAA", "decisions": [{"sourceCaseId": "c-n5", "link": {"type": "transfer_info"},
                                                         "assign": {"teamName": "BTAM"}}]})
    };
    let notified = || json!({"method": "mail", "notifiedOn": "2026-09-03", "note": "n"});
    // (route, a valid body, the JSON pointer of the field, the field name the 400 gives)
    let fields: Vec<(String, Value, &str, &str)> = vec![
        ("PUT /v1/settings/transfers".into(), json!({"enabled": true}), "/enabled", "enabled"),
        ("POST /v1/transfers".into(), send(), "/destinationDistrictId", "destinationDistrictId"),
        ("POST /v1/transfers".into(), send(), "/caseIds/0", "caseIds[0]"),
        ("POST /v1/transfers".into(), send(), "/caseIds", "caseIds"),
        (format!("POST /v1/transfers/{t}/verify"), json!({"authCode": "AAAAA-AAAAA"}), "/authCode", "authCode"),
        (format!("POST /v1/transfers/{t}/accept"), accept(), "/authCode", "authCode"),
        (format!("POST /v1/transfers/{t}/accept"), accept(), "/decisions/0/sourceCaseId", "decisions[0].sourceCaseId"),
        (format!("POST /v1/transfers/{t}/accept"), accept(), "/decisions/0/link/type", "decisions[0].link.type"),
        (format!("POST /v1/transfers/{t}/accept"), linked(), "/decisions/0/link/studentId", "decisions[0].link"),
        (format!("POST /v1/transfers/{t}/accept"), accept(), "/decisions", "decisions"),
        (format!("POST /v1/transfers/{t}/accept"), assigned(), "/decisions/0/assign", "decisions[0]"),
        ("POST /v1/parent-notices/pn-1/done".into(), notified(), "/method", "method"),
        ("POST /v1/parent-notices/pn-1/done".into(), notified(), "/notifiedOn", "notifiedOn"),
    ];
    for (route, valid, pointer, name) in &fields {
        let (method, path) = route.split_once(' ').unwrap();
        for odd in odd_in_json() {
            if *pointer == "/caseIds" && odd == json!(["c-n1"]) {
                continue; // that one is a valid list
            }
            let mut body = valid.clone();
            *body.pointer_mut(pointer).unwrap() = odd.clone();
            let r = app
                .request(
                    method,
                    Some(if path.contains("/v1/transfers/") { "u-sue" } else { "u-ann" }),
                    path,
                    Some(body),
                    &[],
                )
                .await;
            assert_refused(&r, 400, &format!("{route} {pointer} = {odd}"));
            assert!(field(&r).starts_with(name), "{route} {pointer} = {odd}: {:?}", r.body);
        }
    }
    // Free text (notes, reasons): anything printable, but never too long or with control characters.
    let texts = [
        ("POST /v1/transfers".to_string(), send(), "/notes", 2_000),
        (format!("POST /v1/transfers/{t}/reject"), json!({"reason": "r"}), "/reason", 2_000),
        (format!("POST /v1/transfers/{t}/cancel"), json!({"reason": "r"}), "/reason", 2_000),
        ("POST /v1/parent-notices/pn-1/done".to_string(), notified(), "/note", 2_000),
        ("POST /v1/parent-notices/pn-1/not-required".to_string(), json!({"reason": "r"}), "/reason", 2_000),
    ];
    for (route, valid, pointer, max) in &texts {
        let (method, path) = route.split_once(' ').unwrap();
        for odd in [
            json!("x".repeat(max + 1)),
            json!("bell\u{7}"),
            json!("nul\u{0}"),
            json!("esc\u{1b}[31m"),
            json!(5),
            json!([]),
        ] {
            let mut body = valid.clone();
            *body.pointer_mut(pointer).unwrap() = odd.clone();
            let user = if route.ends_with("reject") { "u-sue" } else { "u-ann" };
            let r = app.request(method, Some(user), path, Some(body), &[]).await;
            assert_refused(&r, 400, &format!("{route} {pointer} = {odd}"));
            assert_eq!(field(&r), &pointer[1..]);
        }
    }
    // An assigned value is a name on one line: at most 200 characters, no control characters at all.
    let path = format!("/v1/transfers/{t}/accept");
    for name in ["building", "teamName", "teamLeader", "caseManager"] {
        for odd in
            ["x".repeat(201), "tab\t".into(), "line\nbreak".into(), "esc\u{1b}[31m".into(), " ".into(), "".into()]
        {
            let mut body = assigned();
            body["decisions"][0]["assign"] = json!({ name: odd });
            let r = app.request("POST", Some("u-sue"), &path, Some(body), &[]).await;
            assert_refused(&r, 400, &format!("assign.{name} = {odd:?}"));
            assert_eq!(field(&r), format!("decisions[0].assign.{name}"));
        }
    }
    // Bodies that are not JSON, or not UTF-8, on every route that reads one.
    for route in Route::all().map(Route::spec).filter(|r| r.method != "GET") {
        let path = route.path.replace("{id}", &t).replace("{userId}", "u-nia");
        if path.ends_with("/code") || path.contains("/notifications/") {
            continue; // these read no body
        }
        for bytes in [b"\xff\xfe\x00".to_vec(), b"{".to_vec(), b"[]".to_vec(), vec![b'x'; 3]] {
            let r = app.request_raw(route.method, Some("u-ann"), &path, Some(bytes.clone()), &[]).await;
            assert_refused(&r, 400, &format!("{} {path} with {bytes:?}", route.method));
        }
    }
    // A valid body followed by anything at all is not that body (issue 16): the whole body is one
    // JSON object. Each of these would succeed without its tail.
    let whole = [
        ("PUT", "/v1/settings/transfers".to_string(), json!({"enabled": false})),
        ("POST", "/v1/transfers".to_string(), send()),
        ("POST", format!("/v1/transfers/{t}/reject"), json!({"reason": "r"})),
        ("POST", format!("/v1/transfers/{t}/cancel"), json!({"reason": "r"})),
        ("POST", format!("/v1/transfers/{t}/verify"), json!({"authCode": "AAAAA-AAAAA"})),
        ("POST", "/v1/parent-notices/pn-1/not-required".to_string(), json!({"reason": "r"})),
    ];
    for (method, path, valid) in &whole {
        for tail in [" {\"enabled\":true}", "garbage}}}", "}", "[]", " 1", "\u{0}"] {
            let bytes = format!("{valid}{tail}").into_bytes();
            let user = if path.ends_with("reject") || path.ends_with("verify") { "u-sue" } else { "u-ann" };
            let r = app.request_raw(method, Some(user), path, Some(bytes), &[]).await;
            assert_refused(&r, 400, &format!("{method} {path} with {tail:?} after the body"));
            assert_eq!(field(&r), "body");
        }
    }
    assert_eq!(app.get("u-ann", "/v1/settings/transfers").await.body["enabled"], true, "the switch untouched");

    // The Idempotency-Key header: visible ASCII, 1 to 128 of it.
    for key in [b"\xc3\xa9".as_slice(), b"k\tk", "k".repeat(129).as_bytes()] {
        let r = app
            .request_raw(
                "POST",
                Some("u-ann"),
                "/v1/transfers",
                Some(send().to_string().into_bytes()),
                &[("idempotency-key", key)],
            )
            .await;
        assert_refused(&r, 400, &format!("Idempotency-Key {key:?}"));
        assert_eq!(field(&r), "Idempotency-Key");
    }
    // None of it did anything: the one real request is still the only one, and pending.
    let out = app.get("u-ann", "/v1/transfers?direction=outgoing").await;
    assert_eq!(out.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(out.body["items"][0]["attemptsRemaining"], 5, "no refused code counted as an attempt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_api_answers_its_own_errors_as_problem_json() {
    let app = spawn_app().await;
    assert_refused(&app.request("DELETE", Some("u-ann"), "/v1/cases", None, &[]).await, 405, "DELETE /v1/cases");
    assert_refused(&app.request("PATCH", Some("u-ann"), "/v1/transfers", None, &[]).await, 405, "PATCH");
    assert_refused(&app.get("u-ann", "/v1/nowhere").await, 404, "unknown route");
    assert_refused(&app.get("u-ann", "/v1/cases/%FF%FE").await, 404, "a path that is not UTF-8");
    // A body announced larger than API Gateway's 10 MB is refused before it is read (over a raw
    // connection: an HTTP client still uploading would see the connection close instead).
    let (status, head) = announce_huge_body(&app).await;
    assert_eq!(status, 413, "{head}");
    assert!(head.to_lowercase().contains("content-type: application/problem+json"), "{head}");
    assert_refused(&app.request("GET", None, "/v1/cases", None, &[]).await, 401, "no token");
    // A token whose claims break the id rule is not a user of this portal; nor is one API Gateway's
    // authorizer would refuse (issue 16): not valid yet, issued in the future, an issuer list.
    let now = chrono::Utc::now().timestamp();
    for (k, v) in [
        ("sub", json!("u#ann")),
        ("district_id", json!("d".repeat(129))),
        ("nbf", json!(now + 3600)),
        ("iat", json!(now + 3600)),
        ("iss", json!([portal::token::ISSUER])),
    ] {
        let mut claims = serde_json::Map::new();
        claims.insert(k.into(), v);
        let token = e2e::token_with(&claims);
        let r = app
            .request_raw("GET", None, "/v1/cases", None, &[("authorization", format!("Bearer {token}").as_bytes())])
            .await;
        assert_refused(&r, 401, &format!("claim {k}"));
    }
}
