//! The import file of `fixtures.md`: districts, users, SIS students and cases from the wider
//! case-management product. The whole file is checked before anything is written, and every problem is
//! reported with its JSON path.

use super::ids::*;
use super::model::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportCase {
    pub id: CaseId,
    pub district_id: DistrictId,
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
    let (file, problems) = check(text);
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

/// Every problem of the file in one pass, and the records that could be read, so that the checks
/// against the table (`conflicts_with_stored`) can run on them and report theirs with the rest.
pub fn check(text: &str) -> (ImportFile, Vec<Problem>) {
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) => return (ImportFile::default(), vec![problem("$", format!("not valid JSON: {e}"))]),
    };
    let Value::Object(map) = &root else {
        return (
            ImportFile::default(),
            vec![problem("$", "expected an object with districts, users, students and cases")],
        );
    };
    let mut problems = super::import_strict::duplicate_keys(text);
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
    (file, problems)
}

pub(crate) fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { path: path.into(), message: message.into() }
}

/// Reads each element on its own, so one bad record does not hide the problems of the next. Each
/// record keeps its position in the file, for the paths of later problems. A record with a field the
/// format does not have is a problem too (serde would drop it without a word).
fn section<T: DeserializeOwned + Serialize>(root: &Value, name: &str, problems: &mut Vec<Problem>) -> Vec<(usize, T)> {
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
            Ok(v) => {
                let read = serde_json::to_value(&v).unwrap_or(Value::Null);
                super::import_strict::unknown_fields(&format!("$.{name}[{i}]"), item, &read, problems);
                out.push((i, v))
            }
            Err(e) => {
                let inner = e.path().to_string();
                let path = if inner == "." { format!("$.{name}[{i}]") } else { format!("$.{name}[{i}].{inner}") };
                problems.push(problem(path, e.into_inner().to_string()));
            }
        }
    }
    out
}

fn check_rules(
    districts: &[(usize, District)],
    users: &[(usize, User)],
    students: &[(usize, Student)],
    cases: &[(usize, ImportCase)],
    problems: &mut Vec<Problem>,
) {
    // District ids are unique in the file; every other id only within its district, where it is keyed.
    let mut seen = HashSet::new();
    for (i, d) in districts {
        if !seen.insert(&d.id) {
            problems.push(problem(format!("$.districts[{i}].id"), format!("duplicate id {}", d.id)));
        }
    }
    fn unique_within_district<'a, T: std::hash::Hash + Eq + std::fmt::Display + 'a>(
        kind: &str,
        ids: impl Iterator<Item = (usize, &'a DistrictId, &'a T)>,
        problems: &mut Vec<Problem>,
    ) {
        let mut seen = HashSet::new();
        for (i, district, id) in ids {
            if !seen.insert((district, id)) {
                problems.push(problem(format!("$.{kind}[{i}].id"), format!("duplicate id {id} in {district}")));
            }
        }
    }
    unique_within_district("users", users.iter().map(|(i, u)| (*i, &u.district_id, &u.id)), problems);
    unique_within_district("students", students.iter().map(|(i, s)| (*i, &s.district_id, &s.id)), problems);
    unique_within_district("cases", cases.iter().map(|(i, c)| (*i, &c.district_id, &c.id)), problems);

    let known: HashSet<&DistrictId> = districts.iter().map(|(_, d)| &d.id).collect();
    let students_of: HashSet<(&DistrictId, &StudentId)> =
        students.iter().map(|(_, s)| (&s.district_id, &s.id)).collect();

    for (i, d) in districts {
        if blank(&d.name) {
            problems.push(problem(format!("$.districts[{i}].name"), "must not be empty"));
        }
        short_field(format!("$.districts[{i}].name"), &d.name, problems);
        if let Some(email) = d.notification_email.as_deref().filter(|e| !super::email::is_email(e)) {
            problems.push(problem(
                format!("$.districts[{i}].notificationEmail"),
                format!("not an email address: {}", shown(email)),
            ));
        }
        if let Some(Err(e)) = d.time_zone.as_deref().map(super::district_settings::parse_time_zone) {
            problems.push(problem(format!("$.districts[{i}].timeZone"), e));
        }
        let at = format!("$.districts[{i}].calendar");
        for p in super::district_settings::Calendar::problems(&d.calendar, &at) {
            problems.push(problem(p.field, p.message));
        }
    }
    for (i, u) in users {
        if !known.contains(&u.district_id) {
            problems.push(problem(format!("$.users[{i}].districtId"), format!("no district {}", u.district_id)));
        }
        if !super::email::is_email(&u.email) {
            problems.push(problem(format!("$.users[{i}].email"), format!("not an email address: {}", shown(&u.email))));
        }
        short_field(format!("$.users[{i}].name"), &u.name, problems);
        if let Some(phone) = &u.phone {
            let at = format!("$.users[{i}].phone");
            match phone.chars().count() {
                0 => problems.push(problem(at, "must not be empty (leave it out instead)")),
                n if n > MAX_PHONE_CHARS => problems.push(problem(at, format!("at most {MAX_PHONE_CHARS} characters"))),
                _ => short_field(at, phone, problems),
            }
        }
    }
    for (i, s) in students {
        if !known.contains(&s.district_id) {
            problems.push(problem(format!("$.students[{i}].districtId"), format!("no district {}", s.district_id)));
        }
        let fields = [("sisId", Some(&s.sis_id)), ("firstName", Some(&s.first_name)), ("lastName", Some(&s.last_name))];
        let optional =
            [("dateOfBirth", s.date_of_birth.as_ref()), ("grade", s.grade.as_ref()), ("building", s.building.as_ref())];
        for (name, value) in fields.into_iter().chain(optional) {
            if let Some(v) = value {
                short_field(format!("$.students[{i}].{name}"), v, problems);
            }
        }
    }
    let mut numbers = HashSet::new();
    for (i, c) in cases {
        let at = |field: &str| format!("$.cases[{i}].{field}");
        if !known.contains(&c.district_id) {
            problems.push(problem(at("districtId"), format!("no district {}", c.district_id)));
        }
        if blank(&c.header.case_number) {
            problems.push(problem(at("caseNumber"), "must not be empty"));
        } else if sequence_part(&c.header.case_number) == SequencePart::TooLarge {
            problems.push(problem(
                at("caseNumber"),
                format!(
                    "case number {} ends in a number larger than the case sequence holds (at most {CASE_SEQUENCE_MAX})",
                    shown(&c.header.case_number)
                ),
            ));
        } else if !numbers.insert((&c.district_id, c.header.case_number.as_str())) {
            problems.push(problem(
                at("caseNumber"),
                format!("case number {} is used twice in {}", shown(&c.header.case_number), c.district_id),
            ));
        }
        let h = &c.header;
        let poc = &h.person_of_concern;
        for (name, value) in [
            ("caseNumber", Some(&h.case_number)),
            ("building", Some(&h.building)),
            ("teamName", Some(&h.team_name)),
            ("teamLeader", Some(&h.team_leader)),
            ("caseManager", Some(&h.case_manager)),
            ("riskLevel", h.risk_level.as_ref()),
            ("personOfConcern.firstName", Some(&poc.first_name)),
            ("personOfConcern.lastName", Some(&poc.last_name)),
            ("personOfConcern.dateOfBirth", poc.date_of_birth.as_ref()),
            ("personOfConcern.grade", poc.grade.as_ref()),
        ] {
            if let Some(v) = value {
                short_field(at(name), v, problems);
            }
        }
        if let Some(sid) = &poc.student_id {
            if !students_of.contains(&(&c.district_id, sid)) {
                problems.push(problem(
                    at("personOfConcern.studentId"),
                    format!("no student {sid} in district {}", c.district_id),
                ));
            }
        }
        if c.entries.len() > MAX_ENTRIES_PER_CASE {
            problems.push(problem(
                at("entries"),
                format!("{} entries; a case holds at most {MAX_ENTRIES_PER_CASE}", c.entries.len()),
            ));
        }
        let mut entry_ids = HashSet::new();
        for (j, e) in c.entries.iter().enumerate() {
            let at = |field: &str| format!("$.cases[{i}].entries[{j}].{field}");
            if !entry_ids.insert(&e.id) {
                problems.push(problem(at("id"), format!("duplicate entry id {}", e.id)));
            }
            if let Some(p) = super::lifecycle::free_text_problem("text", &e.text, MAX_ENTRY_TEXT_CHARS) {
                problems.push(problem(at("text"), p.message));
            }
            short_field(at("author"), &e.author, problems);
        }
    }
}

pub use super::case_numbers::{
    conflicts_with_stored, sequence_part, SequencePart, StoredCases, StoredNumbers, CASE_SEQUENCE_MAX,
};
pub use super::import_fields::*;
