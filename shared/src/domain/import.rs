//! The import file of `fixtures.md`: districts, users, SIS students and cases from the wider
//! case-management product. The whole file is checked before anything is written, and every problem is
//! reported with its JSON path.

use super::model::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportCase {
    pub id: String,
    pub district_id: String,
    #[serde(flatten)]
    pub header: CaseHeader,
    #[serde(default)]
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportFile {
    pub districts: Vec<District>,
    pub users: Vec<User>,
    pub students: Vec<Student>,
    pub cases: Vec<ImportCase>,
}

/// One thing wrong with the file, at a JSON path such as `$.cases[3].personOfConcern.studentId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Parses and checks a whole import file; either all of it is good, or every problem is listed.
pub fn parse(text: &str) -> Result<ImportFile, Vec<Problem>> {
    let root: Value = serde_json::from_str(text).map_err(|e| vec![problem("$", format!("not valid JSON: {e}"))])?;
    let Value::Object(map) = &root else {
        return Err(vec![problem("$", "expected an object with districts, users, students and cases")]);
    };
    let mut problems = Vec::new();
    for key in map.keys() {
        if !["districts", "users", "students", "cases"].contains(&key.as_str()) {
            problems.push(problem(format!("$.{key}"), "unknown section"));
        }
    }
    let districts = section(&root, "districts", &mut problems);
    let users = section(&root, "users", &mut problems);
    let students = section(&root, "students", &mut problems);
    let cases = section(&root, "cases", &mut problems);
    check_rules(&districts, &users, &students, &cases, &mut problems);
    let file = ImportFile {
        districts: districts.into_iter().map(|(_, d)| d).collect(),
        users: users.into_iter().map(|(_, u)| u).collect(),
        students: students.into_iter().map(|(_, s)| s).collect(),
        cases: cases.into_iter().map(|(_, c)| c).collect(),
    };
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { path: path.into(), message: message.into() }
}

/// Reads each element on its own, so one bad record does not hide the problems of the next. Each
/// record keeps its position in the file, for the paths of later problems.
fn section<T: DeserializeOwned>(root: &Value, name: &str, problems: &mut Vec<Problem>) -> Vec<(usize, T)> {
    let items = match root.get(name) {
        None => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            problems.push(problem(format!("$.{name}"), "expected an array"));
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match serde_path_to_error::deserialize::<_, T>(item) {
            Ok(v) => out.push((i, v)),
            Err(e) => {
                let inner = e.path().to_string();
                let path = if inner == "." { format!("$.{name}[{i}]") } else { format!("$.{name}[{i}].{inner}") };
                problems.push(problem(path, e.into_inner().to_string()));
            }
        }
    }
    out
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        && !domain.contains('@')
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn check_rules(
    districts: &[(usize, District)],
    users: &[(usize, User)],
    students: &[(usize, Student)],
    cases: &[(usize, ImportCase)],
    problems: &mut Vec<Problem>,
) {
    fn unique<'a>(kind: &str, ids: impl Iterator<Item = (usize, &'a str)>, problems: &mut Vec<Problem>) {
        let mut seen = HashSet::new();
        for (i, id) in ids {
            if blank(id) {
                problems.push(problem(format!("$.{kind}[{i}].id"), "must not be empty"));
            } else if id.contains('#') || id.len() > 128 {
                problems.push(problem(format!("$.{kind}[{i}].id"), "at most 128 characters, without '#'"));
            } else if !seen.insert(id) {
                problems.push(problem(format!("$.{kind}[{i}].id"), format!("duplicate id {id}")));
            }
        }
    }
    unique("districts", districts.iter().map(|(i, d)| (*i, d.id.as_str())), problems);
    unique("users", users.iter().map(|(i, u)| (*i, u.id.as_str())), problems);
    unique("students", students.iter().map(|(i, s)| (*i, s.id.as_str())), problems);
    unique("cases", cases.iter().map(|(i, c)| (*i, c.id.as_str())), problems);

    let known: HashSet<&str> = districts.iter().map(|(_, d)| d.id.as_str()).collect();
    let student_district: HashMap<&str, &str> =
        students.iter().map(|(_, s)| (s.id.as_str(), s.district_id.as_str())).collect();

    for (i, d) in districts {
        if blank(&d.name) {
            problems.push(problem(format!("$.districts[{i}].name"), "must not be empty"));
        }
        if let Some(email) = d.notification_email.as_deref().filter(|e| !is_email(e)) {
            problems
                .push(problem(format!("$.districts[{i}].notificationEmail"), format!("not an email address: {email}")));
        }
    }
    for (i, u) in users {
        if !known.contains(u.district_id.as_str()) {
            problems.push(problem(format!("$.users[{i}].districtId"), format!("no district {}", u.district_id)));
        }
        if !is_email(&u.email) {
            problems.push(problem(format!("$.users[{i}].email"), format!("not an email address: {}", u.email)));
        }
    }
    for (i, s) in students {
        if !known.contains(s.district_id.as_str()) {
            problems.push(problem(format!("$.students[{i}].districtId"), format!("no district {}", s.district_id)));
        }
    }
    let mut numbers = HashSet::new();
    for (i, c) in cases {
        let at = |field: &str| format!("$.cases[{i}].{field}");
        if !known.contains(c.district_id.as_str()) {
            problems.push(problem(at("districtId"), format!("no district {}", c.district_id)));
        }
        if blank(&c.header.case_number) {
            problems.push(problem(at("caseNumber"), "must not be empty"));
        } else if !numbers.insert((c.district_id.as_str(), c.header.case_number.as_str())) {
            problems.push(problem(
                at("caseNumber"),
                format!("case number {} is used twice in {}", c.header.case_number, c.district_id),
            ));
        }
        if let Some(sid) = c.header.person_of_concern.student_id.as_deref() {
            if student_district.get(sid) != Some(&c.district_id.as_str()) {
                problems.push(problem(
                    at("personOfConcern.studentId"),
                    format!("no student {sid} in district {}", c.district_id),
                ));
            }
        }
        let mut entry_ids = HashSet::new();
        for (j, e) in c.entries.iter().enumerate() {
            if !entry_ids.insert(e.id.as_str()) {
                problems.push(problem(format!("$.cases[{i}].entries[{j}].id"), format!("duplicate entry id {}", e.id)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
