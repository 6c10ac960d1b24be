//! The import file's checks, problem by problem.
use super::import::*;
use super::model::*;
use serde_json::Value;

const GOOD: &str = r#"{
  "districts": [{"id": "d-a", "name": "A", "transfersEnabled": true, "notificationEmail": "safety@a.example"}],
  "users": [{"id": "u-1", "districtId": "d-a", "name": "Ann", "email": "ann@a.example", "permissions": ["manage_cases"]}],
  "students": [{"id": "s-1", "districtId": "d-a", "sisId": "SIS-1", "firstName": "J", "lastName": "R"}],
  "cases": [{"id": "c-1", "districtId": "d-a", "caseNumber": "2026-0001",
    "personOfConcern": {"firstName": "J", "lastName": "R", "studentId": "s-1"},
    "building": "B", "teamName": "T", "teamLeader": "L", "caseManager": "M", "status": "open",
    "openedAt": "2026-09-02T15:04:05Z",
    "entries": [{"id": "e-1", "at": "2026-09-02T15:04:05Z", "type": "note", "author": "M", "text": "x"}]}]
}"#;

#[test]
fn a_good_file_parses() {
    let file = parse(GOOD).unwrap();
    assert_eq!(file.cases[0].entries.len(), 1);
    assert_eq!(file.users[0].permissions, vec![Permission::ManageCases]);
}

#[test]
fn every_problem_is_listed_with_its_path() {
    let bad = GOOD
        .replace(r#""manage_cases""#, r#""delete_everything""#)
        .replace("ann@a.example", "not-an-email")
        .replace(r#""studentId": "s-1""#, r#""studentId": "s-404""#)
        .replace(r#""type": "note""#, r#""type": "gossip""#)
        .replace(r#""districtId": "d-a", "sisId""#, r#""districtId": "d-zzz", "sisId""#);
    let problems = parse(&bad).unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert!(paths.contains(&"$.users[0].permissions[0]"), "{problems:?}");
    assert!(paths.contains(&"$.cases[0].entries[0].type") || paths.contains(&"$.cases[0]"), "{problems:?}");
    assert!(paths.contains(&"$.students[0].districtId"), "{problems:?}");
    assert!(problems.len() >= 3, "{problems:?}");
}

#[test]
fn duplicates_and_dangling_references_are_problems() {
    let mut v: Value = serde_json::from_str(GOOD).unwrap();
    let case = v["cases"][0].clone();
    let mut second = case.clone();
    second["id"] = "c-2".into();
    v["cases"].as_array_mut().unwrap().push(case);
    v["cases"].as_array_mut().unwrap().push(second);
    v["users"][0]["districtId"] = "d-nowhere".into();
    let problems = parse(&v.to_string()).unwrap_err();
    let text: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(text.iter().any(|p| p.starts_with("$.cases[1].id: duplicate id c-1")), "{text:?}");
    assert!(text.iter().any(|p| p.starts_with("$.cases[2].caseNumber")), "{text:?}");
    assert!(text.iter().any(|p| p.starts_with("$.users[0].districtId")), "{text:?}");
}

#[test]
fn not_json_is_one_problem_at_the_root() {
    let problems = parse("{nope").unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].path, "$");
}
