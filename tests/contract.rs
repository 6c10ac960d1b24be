//! The contracts that must agree: routes served = template.yaml = openapi.yaml, the table definition
//! in code = template.yaml, the sample events route to their functions, and imports.

use e2e::{spawn_app_with, TestApp};
use serde_yaml::Value as Yaml;
use shared::mail::Mailer;
use shared::routes::Route;
use std::collections::BTreeSet;

fn root(file: &str) -> String {
    std::fs::read_to_string(format!("{}/../{file}", env!("CARGO_MANIFEST_DIR"))).expect(file)
}

fn template() -> Yaml {
    serde_yaml::from_str(&root("template.yaml")).expect("template.yaml parses")
}

/// `(METHOD /path, function binary, public)` for every HttpApi event in the template.
fn template_routes() -> BTreeSet<(String, String, bool)> {
    let t = template();
    let mut out = BTreeSet::new();
    for (_, res) in t["Resources"].as_mapping().unwrap() {
        if res["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let binary = res["Metadata"]["BuildProperties"]["Binary"].as_str().unwrap().to_owned();
        let Some(events) = res["Properties"]["Events"].as_mapping() else { continue };
        for (_, ev) in events {
            if ev["Type"] != "HttpApi" {
                continue;
            }
            let p = &ev["Properties"];
            let public = p["Auth"]["Authorizer"] == "NONE";
            out.insert((
                format!("{} {}", p["Method"].as_str().unwrap(), p["Path"].as_str().unwrap()),
                binary.clone(),
                public,
            ));
        }
    }
    out
}

#[test]
fn the_local_api_serves_exactly_the_routes_of_template_yaml() {
    let ours: BTreeSet<(String, String, bool)> =
        Route::all().map(|r| (r.key(), r.spec().function.name().to_owned(), r.spec().public)).collect();
    assert_eq!(ours, template_routes());
    let served: BTreeSet<String> = portal::serve::served_routes().into_iter().collect();
    assert_eq!(served, ours.iter().map(|r| r.0.clone()).collect());
}

#[test]
fn openapi_describes_exactly_the_routes() {
    let doc: Yaml = serde_yaml::from_str(&root("openapi.yaml")).unwrap();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_mapping().unwrap() {
        for (method, _) in ops.as_mapping().unwrap() {
            documented.insert(format!("{} {}", method.as_str().unwrap().to_uppercase(), path.as_str().unwrap()));
        }
    }
    let routes: BTreeSet<String> = Route::all().map(Route::key).collect();
    assert_eq!(documented, routes);
}

/// `(name, key schema, projection)` of a global secondary index.
type Index = (String, Vec<(String, String)>, String);

#[test]
fn template_yaml_declares_the_table_that_create_table_makes() {
    use shared::store::table::{INDEXES, KEY_ATTRIBUTES, TTL_ATTRIBUTE};
    let t = template();
    let p = &t["Resources"]["Table"]["Properties"];
    let attrs: BTreeSet<(String, String)> = p["AttributeDefinitions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| (a["AttributeName"].as_str().unwrap().to_owned(), a["AttributeType"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(attrs, KEY_ATTRIBUTES.iter().map(|a| (a.to_string(), "S".to_string())).collect());
    let keys = |schema: &Yaml| -> Vec<(String, String)> {
        schema
            .as_sequence()
            .unwrap()
            .iter()
            .map(|k| (k["AttributeName"].as_str().unwrap().to_owned(), k["KeyType"].as_str().unwrap().to_owned()))
            .collect()
    };
    assert_eq!(keys(&p["KeySchema"]), vec![("pk".into(), "HASH".into()), ("sk".into(), "RANGE".into())]);
    let indexes: Vec<Index> = p["GlobalSecondaryIndexes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["IndexName"].as_str().unwrap().to_owned(),
                keys(&i["KeySchema"]),
                i["Projection"]["ProjectionType"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<_> = INDEXES
        .iter()
        .map(|(n, pk, sk)| {
            (n.to_string(), vec![(pk.to_string(), "HASH".into()), (sk.to_string(), "RANGE".into())], "ALL".into())
        })
        .collect();
    assert_eq!(indexes, expected);
    assert_eq!(p["TimeToLiveSpecification"]["AttributeName"].as_str(), Some(TTL_ATTRIBUTE));
    assert_eq!(p["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
    assert_eq!(p["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(), Some(true));
    assert_eq!(p["SSESpecification"]["SSEEnabled"].as_bool(), Some(true));
    assert_eq!(p["StreamSpecification"]["StreamViewType"].as_str(), Some(shared::store::table::STREAM_VIEW.as_str()));
}

/// The table's stream feeds `deliver` as the local consumer does: only new outbox messages, failed
/// records reported alone, bounded retries, then the dead-letter queue; and no function on the request
/// path may call SES any more.
#[test]
fn the_stream_feeds_deliver_as_the_local_consumer_does() {
    let t = template();
    let events = t["Resources"]["DeliverFunction"]["Properties"]["Events"].as_mapping().unwrap();
    let streams: Vec<&Yaml> = events.values().filter(|e| e["Type"] == "DynamoDB").collect();
    assert_eq!(streams.len(), 1);
    let p = &streams[0]["Properties"];
    let pattern: serde_json::Value =
        serde_json::from_str(p["FilterCriteria"]["Filters"][0]["Pattern"].as_str().unwrap()).unwrap();
    let ours: serde_json::Value = serde_json::from_str(shared::ops::deliver::OUTBOX_FILTER).unwrap();
    assert_eq!(pattern, ours, "the mapping's filter is the consumer's");
    assert_eq!(p["FunctionResponseTypes"][0].as_str(), Some("ReportBatchItemFailures"));
    assert_eq!(p["BisectBatchOnFunctionError"].as_bool(), Some(true));
    assert_eq!(p["MaximumRetryAttempts"].as_u64(), Some(u64::from(portal::stream::MAX_ATTEMPTS - 1)));
    assert_eq!(p["DestinationConfig"]["OnFailure"]["Type"].as_str(), Some("SQS"));
    assert!(events.values().any(|e| e["Type"] == "ScheduleV2"), "the schedule stays as the safety net");
    for (name, res) in t["Resources"].as_mapping().unwrap() {
        if res["Type"] == "AWS::Serverless::Function" && name.as_str() != Some("DeliverFunction") {
            let policies = format!("{:?}", res["Properties"]["Policies"]);
            assert!(!policies.contains("ses:"), "{name:?} is on the request path or a sweeper: no SES");
        }
    }
}

async fn demo_app() -> TestApp {
    spawn_app_with(Mailer::local(), serde_json::from_str(portal::DEMO).unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_event_reaches_its_function_and_route() {
    let app = demo_app().await;
    let dir = format!("{}/../events", env!("CARGO_MANIFEST_DIR"));
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        if name.ends_with("-scheduled.json") || name.ends_with("-stream.json") {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            if name.ends_with("-scheduled.json") {
                assert_eq!(v["detail-type"], "Scheduled Event", "{name}");
            }
            if name.starts_with("deliver-") {
                let answer = shared::ops::deliver::handle(&app.app, v).await.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(answer.is_object(), "{name}: {answer}");
            }
            continue;
        }
        let req = lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let key = shared::http::route_key(&req);
        let function = Route::from_key(&key).unwrap_or_else(|| panic!("{name}: no route {key}")).spec().function;
        assert!(name.starts_with(&format!("{}-", function.name())), "{name} is served by {}", function.name());
        let Ok(resp) = shared::ops::handle(function, &app.app, req).await;
        let status = resp.status().as_u16();
        let body = match resp.body() {
            lambda_http::Body::Text(t) => t.clone(),
            _ => String::new(),
        };
        assert!(status < 500, "{name}: {status} {body}");
        // Anything but an unknown route: the handler recognised the event.
        assert!(!(status == 404 && key.ends_with("/transfers")), "{name}: {body}");
        covered.insert(key);
    }
    let all: BTreeSet<String> = Route::all().map(Route::key).collect();
    assert_eq!(covered, all, "one event per route");
    // Spot checks of what a user sees through the events.
    let settings =
        lambda_http::request::from_str(&std::fs::read_to_string(format!("{dir}/toggle-settings-get.json")).unwrap())
            .unwrap();
    let Ok(resp) = shared::ops::handle(shared::routes::Function::Toggle, &app.app, settings).await;
    assert_eq!(resp.status(), 200);
    // A function answers only its own routes: another function's event is not found there.
    let settings =
        lambda_http::request::from_str(&std::fs::read_to_string(format!("{dir}/toggle-settings-get.json")).unwrap())
            .unwrap();
    let Ok(resp) = shared::ops::handle(shared::routes::Function::Send, &app.app, settings).await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_with_mistakes_lists_them_all_and_writes_nothing() {
    let app = demo_app().await;
    let before = app.all_items().await;
    let mut bad: serde_json::Value = serde_json::from_str(portal::DEMO).unwrap();
    bad["users"][0]["email"] = "not-an-email".into();
    bad["users"][1]["permissions"] = serde_json::json!(["launch_missiles"]);
    bad["cases"][0]["districtId"] = "d-atlantis".into();
    bad["cases"][1]["entries"][0]["type"] = "rumour".into();
    bad["cases"][3]["caseNumber"] = bad["cases"][2]["caseNumber"].clone();
    bad["students"][0]["districtId"] = "d-atlantis".into();
    // A brand-new district too, which must not appear.
    bad["districts"].as_array_mut().unwrap().push(serde_json::json!({"id": "d-new", "name": "New"}));
    match portal::import::run(&app.app.store, &bad.to_string()).await.unwrap() {
        portal::import::ImportOutcome::Rejected(problems) => {
            let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            for path in [
                "$.users[0].email",
                "$.users[1].permissions[0]",
                "$.cases[0].districtId",
                "$.cases[1].entries[0].type",
                "$.cases[3].caseNumber",
                "$.students[0].districtId",
            ] {
                assert!(text.iter().any(|p| p.starts_with(path)), "{path} missing from {text:#?}");
            }
        }
        portal::import::ImportOutcome::Imported(_) => panic!("a bad file was imported"),
    }
    assert_eq!(app.all_items().await, before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_the_demo_file_twice_leaves_exactly_the_same_items() {
    let app = demo_app().await;
    let once = app.all_items().await;
    assert!(once.len() > 1_300, "{} items", once.len());
    portal::import::run(&app.app.store, portal::DEMO).await.unwrap();
    let twice = app.all_items().await;
    let changed: Vec<_> = twice.iter().filter(|i| !once.contains(i)).collect();
    assert!(changed.is_empty(), "changed or new items: {changed:#?}");
    assert_eq!(twice.len(), once.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_with_a_thousand_entries_moves_whole_within_item_limits() {
    let app = demo_app().await;
    let before = app.history("u-alice", "c-2").await;
    assert!(before.len() >= 1_000, "{}", before.len());
    assert_eq!(app.case("u-alice", "c-2").await.body["entryCount"], before.len());
    let (id, code) = app.sent("u-alice", &["c-1", "c-2"], "d-shelbyville").await;
    let r = app.accept_all("u-carol", &id, &code, &["c-1", "c-2"]).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["transfer"]["cases"][1]["entryCount"], before.len(), "counted, not inlined");
    assert!(r.body["transfer"]["cases"][1].get("entries").is_none());
    let new_id = r.body["createdCases"][1]["caseId"].as_str().unwrap().to_owned();
    // The whole history came along, and pages the same (a page of 500 at most).
    let frozen = app.all_entries("u-carol", &format!("/v1/transfers/{id}/cases/c-2/entries?limit=500")).await;
    assert_eq!(frozen, before);
    let moved = app.history("u-carol", &new_id).await;
    assert_eq!(moved, before);
    assert_eq!(app.case("u-carol", &new_id).await.body["entryCount"], before.len());
    // Every stored item is far below DynamoDB's 400 KB.
    let largest = app.all_items().await.iter().map(String::len).max().unwrap();
    assert!(largest < 350_000, "largest item about {largest} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_re_import_keeps_what_the_portal_owns() {
    let app = demo_app().await;
    app.set_transfers("u-alice", false).await;
    app.set_transfers("u-alice", true).await;
    let (id, code) = app.sent("u-alice", &["c-3"], "d-shelbyville").await;
    assert_eq!(app.accept_all("u-carol", &id, &code, &["c-3"]).await.status, 200);
    let (pending, _) = app.sent("u-alice", &["c-4"], "d-shelbyville").await;
    app.set_transfers("u-carol", false).await;

    portal::import::run(&app.app.store, portal::DEMO).await.unwrap();

    let setting = app.get("u-carol", "/v1/settings/transfers").await;
    assert_eq!(setting.body["enabled"], false, "the file's default does not switch a district back ON");
    assert_eq!(setting.body["updatedBy"], "u-carol");
    let moved = app.case("u-alice", "c-3").await;
    assert_eq!(moved.body["status"], "transferred_out");
    assert_eq!(moved.body["transferredTo"]["transferId"], id.as_str());
    assert_eq!(app.case("u-alice", "c-4").await.body["pendingTransferId"], pending.as_str());
    // Shelbyville's sequence is not rewound: its next accepted case gets the next number.
    app.set_transfers("u-carol", true).await;
    let (next, code) = app.sent("u-alice", &["c-5"], "d-shelbyville").await;
    let r = app.accept_all("u-carol", &next, &code, &["c-5"]).await;
    assert_eq!(r.body["createdCases"][0]["caseNumber"], app.case_number(8).as_str());
}

/// The problems `portal import` reports for `file` against what the demo app already stores.
async fn refused(app: &TestApp, file: &serde_json::Value) -> Vec<String> {
    match portal::import::run(&app.app.store, &file.to_string()).await.unwrap() {
        portal::import::ImportOutcome::Rejected(problems) => problems.iter().map(|p| p.to_string()).collect(),
        portal::import::ImportOutcome::Imported(_) => panic!("imported: {file}"),
    }
}

fn springfield_case(id: &str, number: &str) -> serde_json::Value {
    serde_json::json!({"id": id, "districtId": "d-springfield", "caseNumber": number,
        "personOfConcern": {"firstName": "A", "lastName": "B"}, "building": "B", "teamName": "T",
        "teamLeader": "L", "caseManager": "M", "status": "open", "openedAt": "2026-09-02T15:04:05Z", "entries": []})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_cannot_be_written_whole_is_refused_before_any_write() {
    let app = demo_app().await;
    let before = app.all_items().await;
    let demo: serde_json::Value = serde_json::from_str(portal::DEMO).unwrap();
    let district = demo["districts"][0].clone();
    let taken = demo["cases"][0]["caseNumber"].as_str().unwrap().to_owned();
    assert_eq!(demo["cases"][0]["districtId"], "d-springfield");

    // A case number already held by another stored case of the district.
    let file = serde_json::json!({"districts": [district], "cases": [springfield_case("c-new", &taken)]});
    let problems = refused(&app, &file).await;
    assert!(
        problems.iter().any(|p| p.starts_with("$.cases[0].caseNumber") && p.contains("already used")),
        "{problems:?}"
    );

    // Too many entries in a case, an entry text too long, an id that breaks the id rule.
    let mut big = springfield_case("c-big", "2099-0001");
    let entry = |i: usize, text: String| serde_json::json!({"id": format!("e-{i}"), "at": "2026-09-03T10:00:00Z", "type": "note", "author": "M", "text": text});
    big["entries"] = (0..10_001).map(|i| entry(i, "x".into())).collect();
    let mut long = springfield_case("c-long", "2099-0002");
    long["entries"] = serde_json::json!([entry(0, "y".repeat(20_001))]);
    let bad_id = springfield_case("c#1", "2099-0003");
    let file = serde_json::json!({"districts": [district], "cases": [big, long, bad_id]});
    let problems = refused(&app, &file).await;
    for path in ["$.cases[0].entries:", "$.cases[1].entries[0].text", "$.cases[2]"] {
        assert!(problems.iter().any(|p| p.starts_with(path)), "{path} missing from {problems:?}");
    }
    assert_eq!(app.all_items().await, before, "nothing was written");

    // Renumbering stored cases among themselves is fine: the old holder gives its number up.
    let second = demo["cases"][1].clone();
    let mut first = demo["cases"][0].clone();
    let mut moved = second.clone();
    first["caseNumber"] = second["caseNumber"].clone();
    moved["caseNumber"] = "2099-0042".into();
    let students: Vec<_> = demo["students"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|st| [&first, &moved].iter().any(|c| c["personOfConcern"]["studentId"] == st["id"]))
        .cloned()
        .collect();
    let file = serde_json::json!({"districts": [district], "students": students, "cases": [first, moved]});
    match portal::import::run(&app.app.store, &file.to_string()).await.unwrap() {
        portal::import::ImportOutcome::Imported(_) => {}
        portal::import::ImportOutcome::Rejected(p) => panic!("a renumbering was refused: {p:?}"),
    }
}

#[test]
fn ids_repeat_freely_across_districts_but_not_within_one() {
    let district = |id: &str| serde_json::json!({"id": id, "name": id});
    let user = |d: &str| serde_json::json!({"id": "u-admin", "districtId": d, "name": "A", "email": "a@x.example", "permissions": []});
    let ok = serde_json::json!({"districts": [district("d-1"), district("d-2")], "users": [user("d-1"), user("d-2")]});
    assert!(shared::domain::import::parse(&ok.to_string()).is_ok());
    let twice = serde_json::json!({"districts": [district("d-1")], "users": [user("d-1"), user("d-1")]});
    let problems = shared::domain::import::parse(&twice.to_string()).unwrap_err();
    assert!(problems.iter().any(|p| p.path == "$.users[1].id"), "{problems:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_pages_stay_under_a_mebibyte_whatever_the_entries_size() {
    // 60 entries of 20,000 two-byte characters: 2.4 MB of history in one case.
    let entries: Vec<serde_json::Value> = (0..60)
        .map(|i| {
            serde_json::json!({"id": format!("e-{i:02}"), "at": format!("2026-09-03T10:{i:02}:00Z"),
                                    "type": "note", "author": "M", "text": "é".repeat(20_000)})
        })
        .collect();
    let mut case = springfield_case("c-heavy", "2099-0100");
    case["entries"] = serde_json::Value::Array(entries);
    let demo: serde_json::Value = serde_json::from_str(portal::DEMO).unwrap();
    let file = serde_json::json!({"districts": [demo["districts"][0].clone()], "cases": [case]});
    let app = spawn_app_with(Mailer::local(), demo).await;
    assert!(matches!(
        portal::import::run(&app.app.store, &file.to_string()).await.unwrap(),
        portal::import::ImportOutcome::Imported(_)
    ));
    assert_eq!(app.case("u-alice", "c-heavy").await.body["entryCount"], 60);
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let url = format!("{}/v1/cases/c-heavy/entries?limit=500&cursor={cursor}", app.base);
        let raw = app.http.get(url).bearer_auth(app.token("u-alice")).send().await.unwrap().bytes().await.unwrap();
        assert!(raw.len() <= 1024 * 1024, "a page of {} bytes", raw.len());
        let page: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        seen.extend(page["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        pages += 1;
        match page["nextCursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert!(pages >= 3, "{pages} pages");
    let expected: Vec<String> = (0..60).map(|i| format!("e-{i:02}")).collect();
    assert_eq!(seen, expected, "every entry once, oldest first");
    // The same through a transfer's frozen copy, and a cursor of one route is refused by the other.
    let (t, _) = app.sent("u-alice", &["c-heavy"], "d-shelbyville").await;
    let frozen = app.all_entries("u-alice", &format!("/v1/transfers/{t}/cases/c-heavy/entries?limit=500")).await;
    assert_eq!(frozen.len(), 60);
    let first = app.get("u-alice", "/v1/cases/c-heavy/entries?limit=1").await;
    let foreign = first.body["nextCursor"].as_str().unwrap();
    let r = app.get("u-alice", &format!("/v1/transfers/{t}/cases/c-heavy/entries?cursor={foreign}")).await;
    assert!(r.is_problem(400, "validation_failed"), "{:?}", r.body);
    for bad in ["0", "501", "x"] {
        assert!(app
            .get("u-alice", &format!("/v1/cases/c-heavy/entries?limit={bad}"))
            .await
            .is_problem(400, "validation_failed"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_am_i_answers_any_known_user_and_the_user_claim_is_configurable() {
    let app = e2e::spawn_app().await;
    let me = app.get("u-ned", "/v1/me").await;
    assert_eq!(me.status, 200, "{:?}", me.body);
    assert_eq!(me.body["user"]["permissions"], serde_json::json!(["view_cases"]), "without Manage Cases too");
    assert_eq!(me.body["district"]["name"], "North Unified");
    assert_eq!(me.body["district"]["transfersEnabled"], true);
    assert!(app.get("u-ned", "/v1/cases").await.is_problem(403, "forbidden"), "the rest needs Manage Cases");
    assert_eq!(app.get("no-such-user", "/v1/me").await.status, 401);

    // A deployment that maps users by `cognito:username`: the `sub` (a UUID) names nobody.
    let mut config = e2e::config();
    config.user_claim = "cognito:username".into();
    let cognito = shared::App::with_clients(config, app.app.store.client().clone(), Mailer::local());
    let text = std::fs::read_to_string(format!("{}/../events/list-me.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut event: serde_json::Value = serde_json::from_str(&text).unwrap();
    let claims = &mut event["requestContext"]["authorizer"]["jwt"]["claims"];
    claims["sub"] = "5f1c2a9e-7b3d-4e8a-9c61-0d2f4b6a8e13".into();
    claims["cognito:username"] = "u-ann".into();
    claims["district_id"] = e2e::fixture::NORTH.into();
    let answer = |event: &serde_json::Value| {
        let req = lambda_http::request::from_str(&event.to_string()).unwrap();
        let app = cognito.clone();
        async move {
            let Ok(resp) = shared::ops::handle(shared::routes::Function::List, &app, req).await;
            let body = match resp.body() {
                lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap_or_default(),
                _ => serde_json::Value::Null,
            };
            (resp.status().as_u16(), body)
        }
    };
    let (status, body) = answer(&event).await;
    assert_eq!(status, 200, "{body:?}");
    assert_eq!(body["user"]["id"], "u-ann");
    event["requestContext"]["authorizer"]["jwt"]["claims"].as_object_mut().unwrap().remove("cognito:username");
    event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = "u-ann".into();
    assert_eq!(answer(&event).await.0, 401, "the sub is not the configured claim");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_secret_comes_from_secrets_manager_and_is_in_no_function_configuration() {
    let text = root("template.yaml");
    assert!(!text.contains("resolve:secretsmanager"), "no dynamic reference puts the secret in a configuration");
    let t = template();
    let env = &t["Globals"]["Function"]["Environment"]["Variables"];
    assert!(env.get("AUTH_CODE_SECRET").is_none(), "{env:?}");
    assert!(format!("{:?}", env["AUTH_CODE_SECRET_ARN"]).contains("AuthCodeSecret"));
    // Each function may read that one secret, nothing else of Secrets Manager.
    for (name, res) in t["Resources"].as_mapping().unwrap() {
        if res["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let policies = format!("{:?}", res["Properties"]["Policies"]);
        assert!(policies.contains("secretsmanager:GetSecretValue"), "{name:?}");
        assert!(!policies.contains("secretsmanager:*"), "{name:?}");
    }

    // Read at start-up through the real SDK, here from moto.
    let moto = e2e::moto::Moto::start().await;
    let client = aws_sdk_secretsmanager::Client::new(&e2e::sdk(&moto.url).await);
    let value = "k".repeat(64);
    let json = serde_json::json!({ "secret": value }).to_string();
    client.create_secret().name("portal/code").secret_string(&json).send().await.unwrap();
    assert_eq!(shared::secrets::read(&client, "portal/code").await.unwrap(), value);
    client.create_secret().name("portal/plain").secret_string("p".repeat(40)).send().await.unwrap();
    assert_eq!(shared::secrets::read(&client, "portal/plain").await.unwrap(), "p".repeat(40));
    let missing = shared::secrets::read(&client, "portal/none").await.unwrap_err().to_string();
    assert!(!missing.contains(&value), "{missing}");
}
