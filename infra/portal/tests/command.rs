//! The `portal` binary itself, as the README runs it: `serve --demo` (against a DynamoDB endpoint the
//! test provides, on a port the binary picks itself), `import` of a bad file, `token`. Each run works
//! in a temporary folder that is removed afterwards.

use assert_cmd::Command;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use test_support::dynamodb;

const BIN: &str = env!("CARGO_BIN_EXE_portal");

fn portal(endpoint: &str, dir: &std::path::Path) -> Command {
    let mut cmd = std::process::Command::new(BIN);
    configure(&mut cmd, endpoint, dir);
    Command::from_std(cmd)
}

fn configure(cmd: &mut std::process::Command, endpoint: &str, dir: &std::path::Path) {
    cmd.current_dir(dir)
        .env("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        .env("TABLE_NAME", "command-test")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_SESV2")
        .env("RUST_LOG", "warn");
}

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every line a stream prints, collected in the background (a closed pipe would stop the server on
/// its next print).
fn collect(stream: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

async fn wait_for(lines: &Arc<Mutex<Vec<String>>>, wanted: impl Fn(&str) -> bool) -> String {
    for _ in 0..600 {
        if let Some(l) = lines.lock().unwrap().iter().find(|l| wanted(l)) {
            return l.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never printed: {:?}", lines.lock().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_answers_with_the_tokens_it_prints_and_keeps_mail_in_the_local_outbox() {
    let endpoint = dynamodb().await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut cmd = std::process::Command::new(BIN);
    configure(&mut cmd, &endpoint, dir);
    let mut child = cmd
        .args(["serve", "--demo", "--port", "0"])
        .env("JOBS_INTERVAL_SECONDS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (stdout, stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let _guard = Killed(child);
    let (printed, logged) = (collect(stdout), collect(stderr));
    let announced = wait_for(&logged, |l| l.starts_with("District Transfer Portal API on ")).await;
    let base = announced.split(' ').nth(5).unwrap().to_owned();
    wait_for(&printed, |l| l.starts_with("export TOKEN_FRANK=")).await;
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
    assert!(lines.iter().any(|l| l.contains(&format!("{base}/v1/settings/transfers"))), "curl lines name the port");
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{base}/v1/health")).send().await.unwrap().status(), 200);

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

    let listed = portal(&endpoint, dir).arg("outbox").assert().success();
    assert!(String::from_utf8_lossy(&listed.get_output().stdout).contains("sent you a case transfer request"));
    let minted = portal(&endpoint, dir).args(["token", "u-carol", "--ttl", "30m"]).assert().success();
    let carol = String::from_utf8(minted.get_output().stdout.clone()).unwrap().trim().to_owned();
    let incoming = http.get(format!("{base}/v1/transfers?direction=incoming")).bearer_auth(carol).send().await.unwrap();
    assert_eq!(incoming.status(), 200);
    portal(&endpoint, dir).args(["token", "u-nobody"]).assert().failure();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_of_a_bad_file_lists_every_problem_and_exits_2() {
    let endpoint = dynamodb().await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"districts": [{"id": "d-1", "name": "One", "notificationEmail": "nope"}],
            "users": [{"id": "u-1", "districtId": "d-9", "name": "U", "email": "u@x.example", "permissions": ["root"]}],
            "cases": []}"#,
    )
    .unwrap();
    let out = portal(&endpoint, dir).args(["import", file.to_str().unwrap()]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr);
    for path in ["$.districts[0].notificationEmail", "$.users[0].permissions[0]", "nothing was written"] {
        assert!(err.contains(path), "{path} in {err}");
    }
    portal(&endpoint, dir).args(["import", "no-such-file.json"]).assert().failure();
    let created = portal(&endpoint, dir).arg("create-table").assert().success();
    assert!(
        String::from_utf8_lossy(&created.get_output().stdout).contains("already exists"),
        "import created the table"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_asks_for_the_district_when_districts_share_a_user_id() {
    let endpoint = dynamodb().await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    for district in ["d-one", "d-two"] {
        let file = dir.join(format!("{district}.json"));
        let data = serde_json::json!({
            "districts": [{"id": district, "name": district}],
            "users": [{"id": "u-admin", "districtId": district, "name": "Admin", "email": "admin@x.example",
                       "permissions": ["manage_cases"]}]
        });
        std::fs::write(&file, data.to_string()).unwrap();
        portal(&endpoint, dir).args(["import", file.to_str().unwrap()]).assert().success();
    }
    let ambiguous = portal(&endpoint, dir).args(["token", "u-admin"]).assert().failure();
    let err = String::from_utf8_lossy(&ambiguous.get_output().stderr);
    assert!(err.contains("--district") && err.contains("d-one") && err.contains("d-two"), "{err}");
    for district in ["d-one", "d-two"] {
        let out = portal(&endpoint, dir).args(["token", "u-admin", "--district", district]).assert().success();
        let token = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let claims = portal::token::verify(portal::env::LOCAL_JWT_SECRET, token.trim()).expect("a valid token");
        assert_eq!(claims["district_id"], district);
        assert_eq!(claims["sub"], "u-admin");
    }
    portal(&endpoint, dir).args(["token", "u-admin", "--district", "d-three"]).assert().failure();
}
