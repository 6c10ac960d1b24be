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
    // The terminal ends with where to go and as whom; the tokens are in a file only its owner reads.
    wait_for(&logged, |l| l.starts_with("API tokens and curl lines of the demo users: `source .local/demo-tokens.sh`"))
        .await;
    assert!(logged.lock().unwrap().iter().any(|l| l.starts_with("Ready. ")));
    assert!(!logged.lock().unwrap().iter().any(|l| l.contains("WARN")), "a first start warns of nothing");
    assert!(printed.lock().unwrap().iter().all(|l| !l.contains("TOKEN_")), "no token in the terminal");
    let tokens_file = dir.join(".local/demo-tokens.sh");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&tokens_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let lines: Vec<String> = std::fs::read_to_string(&tokens_file).unwrap().lines().map(str::to_owned).collect();
    let token = |user: &str| {
        let prefix = format!("export TOKEN_{user}=");
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {user} in {lines:?}"))
            .to_owned()
    };
    assert!(lines.iter().any(|l| l.starts_with("# curl -s -H \"Authorization: Bearer $TOKEN_ALICE\"")));
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
    // The request answered; the table's stream brings the mail to the local outbox within a moment.
    let mut outbox = String::new();
    for _ in 0..100 {
        outbox = std::fs::read_to_string(dir.join(".local/outbox.jsonl")).unwrap_or_default();
        if outbox.contains("btam@shelbyville.k12.example") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(outbox.contains("carol@shelbyville.k12.example"), "{outbox}");
    assert!(outbox.contains("btam@shelbyville.k12.example"), "{outbox}");
    // Links lead to the origin this serves (another origin would be another session).
    assert!(outbox.contains(&format!("{base}/transfers/")), "{outbox}");
    assert!(!outbox.contains("http://localhost:3000"), "{outbox}");

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

/// An import file of about `mb` megabytes: one district, cases of 20 entries of 1,000 characters.
fn large_file(mb: usize) -> (String, usize) {
    let cases = mb * 50;
    let entry = |c: usize, e: usize| {
        serde_json::json!({"id": format!("e-{e}"), "at": format!("2026-09-{:02}T10:00:00Z", 1 + e), "type": "note",
                           "author": "Sam Lee", "text": format!("{c}/{e} {}", "x".repeat(1_000))})
    };
    let cases: Vec<serde_json::Value> = (0..cases)
        .map(|c| {
            serde_json::json!({"id": format!("c-{c}"), "districtId": "d-big", "caseNumber": format!("2026-{c:05}"),
                "personOfConcern": {"firstName": "Pat", "lastName": format!("Case{c}")}, "building": "B",
                "teamName": "T", "teamLeader": "L", "caseManager": "M", "status": "open",
                "openedAt": "2026-09-01T00:00:00Z", "entries": (0..20).map(|e| entry(c, e)).collect::<Vec<_>>()})
        })
        .collect();
    let n = cases.len();
    let file = serde_json::json!({"districts": [{"id": "d-big", "name": "Big District"}], "cases": cases});
    (file.to_string(), n)
}

/// How many cases of `d-big` the table holds, and how many entries its last case has.
async fn stored(endpoint: &str, last: usize) -> (i32, i32) {
    let db = aws_sdk_dynamodb::Client::new(&test_support::sdk(endpoint).await);
    let count = |pk: String, prefix: &'static str| {
        let db = db.clone();
        async move {
            let (mut total, mut start) = (0, None);
            loop {
                let out = db
                    .query()
                    .table_name("command-test")
                    .key_condition_expression("pk = :pk AND begins_with(sk, :p)")
                    .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(pk.clone()))
                    .expression_attribute_values(":p", aws_sdk_dynamodb::types::AttributeValue::S(prefix.into()))
                    .select(aws_sdk_dynamodb::types::Select::Count)
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .unwrap();
                total += out.count;
                start = out.last_evaluated_key;
                if start.is_none() {
                    return total;
                }
            }
        }
    };
    let cases = count("DISTRICT#d-big".into(), "CASE#").await;
    let entries = count(format!("DISTRICT#d-big#CASE#c-{last}"), "ENTRY#").await;
    (cases, entries)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_30_mb_import_interrupted_half_way_completes_when_run_again() {
    let endpoint = dynamodb().await;
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (text, cases) = large_file(30);
    assert!(text.len() > 30_000_000, "{} bytes", text.len());
    let file = dir.join("large.json");
    std::fs::write(&file, text).unwrap();
    // The table without its stream: this is about an interrupted bulk load, and Dynoxide numbers each
    // stream record by scanning the earlier ones (`create_table_without_stream`).
    let client = aws_sdk_dynamodb::Client::new(&test_support::sdk(&endpoint).await);
    shared::store::table::create_table_without_stream(&client, "command-test").await.unwrap();
    // Stopped while it writes (a killed process: nothing of it finishes cleanly).
    let mut cmd = std::process::Command::new(BIN);
    configure(&mut cmd, &endpoint, dir);
    let child =
        cmd.args(["import", file.to_str().unwrap()]).stderr(Stdio::null()).stdout(Stdio::null()).spawn().unwrap();
    let mut child = Killed(child);
    for _ in 0..400 {
        if stored(&endpoint, 0).await.0 > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let _ = child.0.kill();
    let _ = child.0.wait();
    let partial = stored(&endpoint, cases - 1).await;
    assert!(partial.0 < cases as i32 || partial.1 < 20, "the first run was stopped before the end: {partial:?}");
    // Run again: it completes, and everything is there once.
    let started = std::time::Instant::now();
    let done = portal(&endpoint, dir).args(["import", file.to_str().unwrap()]).assert().success();
    let out = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    assert!(out.contains(&format!("{cases} cases ({} entries, ", cases * 20)), "{out}");
    eprintln!("the second run of a 30 MB import took {:?}", started.elapsed());
    assert_eq!(stored(&endpoint, cases - 1).await, (cases as i32, 20));
}
