//! The `portal` binary itself, as the README runs it: `serve --demo` (against a DynamoDB endpoint the
//! test provides, so nothing binds the fixed local port), `import` of a bad file, `token`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

async fn dynamodb() -> String {
    let db = dynoxide::Database::memory().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(dynoxide::server::serve_on(listener, db));
    url
}

fn portal(endpoint: &str, dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portal"));
    cmd.current_dir(dir)
        .env("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        .env("TABLE_NAME", "command-test")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_SESV2")
        .env("RUST_LOG", "warn");
    cmd
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("portal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_answers_with_the_tokens_it_prints_and_keeps_mail_in_the_local_outbox() {
    let endpoint = dynamodb().await;
    let dir = temp_dir("serve");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = portal(&endpoint, &dir)
        .args(["serve", "--demo", "--port", &port.to_string()])
        .env("JOBS_INTERVAL_SECONDS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _guard = Killed(child);
    // Read stdout to its end in the background: a closed pipe would stop the server on its next print.
    let printed = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = printed.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    for _ in 0..600 {
        if printed.lock().unwrap().iter().any(|l| l.starts_with("export TOKEN_FRANK=")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let lines = printed.lock().unwrap().clone();
    let token = |user: &str| {
        let prefix = format!("export TOKEN_{user}=");
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {user} in {lines:?}"))
            .to_owned()
    };
    assert!(lines.iter().any(|l| l.starts_with("curl -s -H \"Authorization: Bearer $TOKEN_ALICE\"")));
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if http.get(format!("{base}/v1/health")).send().await.is_ok_and(|r| r.status() == 200) {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "portal serve answered /v1/health");

    let settings = http.get(format!("{base}/v1/settings/transfers")).bearer_auth(token("ALICE")).send().await.unwrap();
    assert_eq!(settings.status(), 200);
    let bob = http.get(format!("{base}/v1/settings/transfers")).bearer_auth(token("BOB")).send().await.unwrap();
    assert_eq!(bob.status(), 403, "Bob only views cases");
    let sent = http
        .post(format!("{base}/v1/transfers"))
        .bearer_auth(token("ALICE"))
        .body(r#"{"destinationDistrictId": "d-shelbyville", "caseIds": ["c-3"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);
    let outbox = std::fs::read_to_string(dir.join(".local/outbox.jsonl")).unwrap_or_default();
    assert!(outbox.contains("carol@shelbyville.k12.example"), "{outbox}");
    assert!(outbox.contains("btam@shelbyville.k12.example"), "{outbox}");

    let listed = portal(&endpoint, &dir).arg("outbox").output().unwrap();
    assert!(String::from_utf8_lossy(&listed.stdout).contains("sent you a case transfer request"));
    let minted = portal(&endpoint, &dir).args(["token", "u-carol", "--ttl", "30m"]).output().unwrap();
    assert!(minted.status.success());
    let carol = String::from_utf8(minted.stdout).unwrap().trim().to_owned();
    let incoming = http.get(format!("{base}/v1/transfers?direction=incoming")).bearer_auth(carol).send().await.unwrap();
    assert_eq!(incoming.status(), 200);
    assert!(portal(&endpoint, &dir).args(["token", "u-nobody"]).output().unwrap().status.code() != Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_of_a_bad_file_lists_every_problem_and_exits_2() {
    let endpoint = dynamodb().await;
    let dir = temp_dir("import");
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"districts": [{"id": "d-1", "name": "One", "notificationEmail": "nope"}],
            "users": [{"id": "u-1", "districtId": "d-9", "name": "U", "email": "u@x.example", "permissions": ["root"]}],
            "cases": []}"#,
    )
    .unwrap();
    let out = portal(&endpoint, &dir).args(["import", file.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for path in ["$.districts[0].notificationEmail", "$.users[0].permissions[0]", "nothing was written"] {
        assert!(err.contains(path), "{path} in {err}");
    }
    let missing = portal(&endpoint, &dir).args(["import", "no-such-file.json"]).output().unwrap();
    assert!(!missing.status.success(), "a missing file is an error");
    let created = portal(&endpoint, &dir).arg("create-table").output().unwrap();
    assert!(String::from_utf8_lossy(&created.stdout).contains("already exists"), "import created the table");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_asks_for_the_district_when_districts_share_a_user_id() {
    let endpoint = dynamodb().await;
    let dir = temp_dir("token");
    for district in ["d-one", "d-two"] {
        let file = dir.join(format!("{district}.json"));
        let data = serde_json::json!({
            "districts": [{"id": district, "name": district}],
            "users": [{"id": "u-admin", "districtId": district, "name": "Admin", "email": "admin@x.example",
                       "permissions": ["manage_cases"]}]
        });
        std::fs::write(&file, data.to_string()).unwrap();
        let out = portal(&endpoint, &dir).args(["import", file.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let ambiguous = portal(&endpoint, &dir).args(["token", "u-admin"]).output().unwrap();
    assert!(!ambiguous.status.success(), "never picks one of two silently");
    let err = String::from_utf8_lossy(&ambiguous.stderr);
    assert!(err.contains("--district") && err.contains("d-one") && err.contains("d-two"), "{err}");
    for district in ["d-one", "d-two"] {
        let out = portal(&endpoint, &dir).args(["token", "u-admin", "--district", district]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let token = String::from_utf8(out.stdout).unwrap();
        let claims = portal::token::verify(portal::env::LOCAL_JWT_SECRET, token.trim()).expect("a valid token");
        assert_eq!(claims["district_id"], district);
        assert_eq!(claims["sub"], "u-admin");
    }
    let none = portal(&endpoint, &dir).args(["token", "u-admin", "--district", "d-three"]).output().unwrap();
    assert!(!none.status.success());
}
