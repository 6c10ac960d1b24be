//! The local API's own answers (issue 16): every 4xx it makes itself is problem+json, even for a
//! request hyper would refuse before any handler runs; and the development sign-in answers only this
//! machine's loopback names, only where the web client is served.

use e2e::{spawn_app, TestApp, JWT_SECRET};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One raw request on its own connection: `(status, head, body)`.
async fn raw(addr: &str, request: &[u8]) -> (u16, String, String) {
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(request).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), conn.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

fn assert_problem(answer: &(u16, String, String), status: u16, code: &str, what: &str) {
    let (got, head, body) = answer;
    assert_eq!(*got, status, "{what}: {head}");
    assert!(head.to_lowercase().contains("content-type: application/problem+json"), "{what}: {head}");
    let body: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{what}: {body:?}"));
    assert_eq!(body["code"], code, "{what}: {body}");
    assert_eq!(body["status"], status, "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_hyper_would_refuse_get_problem_json() {
    let app = spawn_app().await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let long = format!("GET /v1/cases?q={} HTTP/1.1\r\nHost: {addr}\r\n\r\n", "a".repeat(100_000));
    assert_problem(&raw(&addr, long.as_bytes()).await, 414, "uri_too_long", "a 100,000-character query");
    for (what, request) in [
        ("a control byte in the path", format!("GET /v1/\x01cases HTTP/1.1\r\nHost: {addr}\r\n\r\n")),
        ("a DEL in the query", format!("GET /v1/cases?q=a\x7f HTTP/1.1\r\nHost: {addr}\r\n\r\n")),
        ("a NUL in a header", format!("GET /v1/health HTTP/1.1\r\nHost: {addr}\r\nX-A: a\x00b\r\n\r\n")),
        ("an escape in a header", format!("GET /v1/health HTTP/1.1\r\nHost: {addr}\r\nX-A: \x1b[31m\r\n\r\n")),
        ("no version", format!("GET /v1/health\r\nHost: {addr}\r\n\r\n")),
        ("a header without a colon", format!("GET /v1/health HTTP/1.1\r\nHost {addr}\r\n\r\n")),
    ] {
        assert_problem(&raw(&addr, request.as_bytes()).await, 400, "validation_failed", what);
    }
    let many = format!("GET /v1/health HTTP/1.1\r\nHost: {addr}\r\n{}\r\n", "X-A: b\r\n".repeat(150));
    assert_problem(&raw(&addr, many.as_bytes()).await, 431, "headers_too_large", "150 headers");
    let huge = format!("GET /v1/health HTTP/1.1\r\nHost: {addr}\r\nX-A: {}\r\n\r\n", "b".repeat(70_000));
    assert_problem(&raw(&addr, huge.as_bytes()).await, 431, "headers_too_large", "a 70 KB header");
    // What passes the door is answered as before, over a connection that asked to be kept alive.
    let ok = format!("GET /v1/health HTTP/1.1\r\nHost: {addr}\r\nConnection: keep-alive\r\n\r\n");
    let (status, _, body) = raw(&addr, ok.as_bytes()).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    // A body split from its head still arrives whole.
    let token = app.token("u-ann").to_owned();
    let body = r#"{"enabled": true}"#;
    let put = format!(
        "PUT /v1/settings/transfers HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert_eq!(raw(&addr, put.as_bytes()).await.0, 200);
}

/// `portal serve` with the web client: a folder holding an `index.html`, on a port of its own.
async fn with_web_client(app: &TestApp) -> String {
    let dir = std::env::temp_dir().join(format!("portal-web-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>Portal</title>").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut local = portal::serve::Local::new(app.app.clone(), JWT_SECRET).with_web(dir, Default::default());
    local.port = Some(addr.port());
    let door = portal::front_door::FrontDoor::new(listener).unwrap();
    tokio::spawn(async move { axum::serve(door, portal::serve::router(local)).await });
    addr.to_string()
}

fn request(method: &str, path: &str, host: &str, headers: &str, body: &str) -> String {
    format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_development_sign_in_answers_only_loopback_names_and_problem_json() {
    let app = spawn_app().await;
    // Without the web client there is no sign-in at all.
    let plain = app.base.trim_start_matches("http://").to_owned();
    assert_problem(
        &raw(&plain, request("GET", "/local/users", &plain, "", "").as_bytes()).await,
        404,
        "not_found",
        "no client",
    );

    let addr = with_web_client(&app).await;
    let port = addr.rsplit(':').next().unwrap().to_owned();
    for host in [addr.clone(), format!("localhost:{port}"), format!("[::1]:{port}")] {
        let (status, _, body) = raw(&addr, request("GET", "/local/users", &host, "", "").as_bytes()).await;
        assert_eq!(status, 200, "{host}");
        assert!(body.contains("u-ann"), "{host}");
    }
    let json = "Content-Type: application/json\r\n";
    let who = r#"{"userId": "u-ann", "districtId": "d-north"}"#;
    let (status, _, body) = raw(&addr, request("POST", "/local/sign-in", &addr, json, who).as_bytes()).await;
    assert_eq!(status, 200);
    assert!(body.contains("token"));
    // DNS rebinding: a page of another name that resolves here. And another port of this machine.
    for host in [format!("evil.example:{port}"), format!("127.0.0.1.nip.example:{port}"), "127.0.0.1:1".into()] {
        let users = raw(&addr, request("GET", "/local/users", &host, "", "").as_bytes()).await;
        assert_problem(&users, 404, "not_found", &host);
        let sign_in = raw(&addr, request("POST", "/local/sign-in", &host, json, who).as_bytes()).await;
        assert_problem(&sign_in, 404, "not_found", &host);
    }
    for (what, headers, body, status, code) in [
        ("a body that is not JSON", json, "{", 400, "validation_failed"),
        ("a body of the wrong shape", json, r#"{"user": 1}"#, 400, "validation_failed"),
        ("trailing bytes", json, &format!("{who} {who}"), 400, "validation_failed"),
        ("no content type", "", who, 415, "unsupported_media_type"),
        (
            "a form",
            "Content-Type: application/x-www-form-urlencoded\r\n",
            "userId=u-ann",
            415,
            "unsupported_media_type",
        ),
    ] {
        let answer = raw(&addr, request("POST", "/local/sign-in", &addr, headers, body).as_bytes()).await;
        assert_problem(&answer, status, code, what);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_clock_moves_only_for_this_machine() {
    let app = spawn_app().await;
    let addr = with_web_client(&app).await;
    let port = addr.rsplit(':').next().unwrap().to_owned();
    let json = "Content-Type: application/json\r\n";
    let before = app.app.clock.now();
    for host in [format!("evil.example:{port}"), "127.0.0.1:1".into()] {
        let moved =
            raw(&addr, request("POST", "/local/clock", &host, json, r#"{"advanceHours": 24}"#).as_bytes()).await;
        assert_problem(&moved, 404, "not_found", &host);
    }
    for body in
        [r#"{"advanceHours": 0}"#, r#"{"advanceHours": -1}"#, r#"{"advanceHours": 9601}"#, r#"{"hours": 1}"#, "{"]
    {
        let refused = raw(&addr, request("POST", "/local/clock", &addr, json, body).as_bytes()).await;
        assert_problem(&refused, 400, "validation_failed", body);
    }
    assert!(app.app.clock.now() - chrono::Duration::hours(1) < before, "nothing moved it yet");
    let (status, _, _) =
        raw(&addr, request("POST", "/local/clock", &addr, json, r#"{"advanceHours": 48}"#).as_bytes()).await;
    assert_eq!(status, 200);
    assert!(app.app.clock.now() >= before + chrono::Duration::hours(48));
}
