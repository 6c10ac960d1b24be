//! Which of the destination's students may be a transferred case's person of concern (api.md v1.2,
//! "Matching and assignment"): `strong` when the folded last names are equal, the first names equal
//! or one a prefix of the other (Alex and Alexander), and the dates of birth the same; `possible` on the
//! names alone, or on the last name and the date of birth (a first name spelt another way). A grade
//! that agrees is shown as a reason but decides nothing: grades change between districts.

use super::model::{PersonOfConcern, Student};
use super::search::fold;
use serde::Serialize;

/// At most this many suggestions per case.
pub const MAX_MATCHES: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Strong,
    Possible,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// First and last name agree.
    Name,
    /// Only the last name agrees.
    LastName,
    DateOfBirth,
    Grade,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub student: Student,
    #[serde(rename = "match")]
    pub strength: Strength,
    pub reasons: Vec<Reason>,
}

/// The key the student index is read by: every candidate shares the person's folded last name.
pub fn last_name_key(person: &PersonOfConcern) -> String {
    fold(person.last_name.trim())
}

/// How well `student` matches `person`, or `None` when the evidence is too weak to suggest.
pub fn assess(person: &PersonOfConcern, student: &Student) -> Option<(Strength, Vec<Reason>)> {
    let last = last_name_key(person);
    if last.is_empty() || last != fold(student.last_name.trim()) {
        return None;
    }
    let (a, b) = (fold(person.first_name.trim()), fold(student.first_name.trim()));
    let first = !a.is_empty() && !b.is_empty() && (a.starts_with(&b) || b.starts_with(&a));
    let same = |x: &Option<String>, y: &Option<String>| match (x.as_deref().map(str::trim), y.as_deref().map(str::trim))
    {
        (Some(x), Some(y)) => !x.is_empty() && fold(x) == fold(y),
        _ => false,
    };
    let born = same(&person.date_of_birth, &student.date_of_birth);
    let strength = match (first, born) {
        (true, true) => Strength::Strong,
        (true, false) | (false, true) => Strength::Possible,
        (false, false) => return None,
    };
    let mut reasons = vec![if first { Reason::Name } else { Reason::LastName }];
    if born {
        reasons.push(Reason::DateOfBirth);
    }
    if same(&person.grade, &student.grade) {
        reasons.push(Reason::Grade);
    }
    Some((strength, reasons))
}

/// The best `MAX_MATCHES` of `students` for `person`: strong first, then by how much agrees, the
/// whole first name before a prefix of it, then by name and SIS id (a stable order for namesakes).
pub fn rank(person: &PersonOfConcern, students: impl IntoIterator<Item = Student>) -> Vec<Match> {
    let mut found: Vec<Match> = students
        .into_iter()
        .filter_map(|student| {
            let (strength, reasons) = assess(person, &student)?;
            Some(Match { student, strength, reasons })
        })
        .collect();
    let first = fold(person.first_name.trim());
    let exact = |m: &Match| fold(m.student.first_name.trim()) == first;
    found.sort_by(|x, y| {
        x.strength
            .cmp(&y.strength)
            .then(y.reasons.len().cmp(&x.reasons.len()))
            // Jordan before Jo for a Jordan: the whole name over a prefix of it.
            .then(exact(y).cmp(&exact(x)))
            .then_with(|| fold(&x.student.first_name).cmp(&fold(&y.student.first_name)))
            .then_with(|| x.student.sis_id.cmp(&y.student.sis_id))
    });
    found.truncate(MAX_MATCHES);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(first: &str, last: &str, dob: Option<&str>, grade: Option<&str>) -> PersonOfConcern {
        PersonOfConcern {
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: dob.map(Into::into),
            grade: grade.map(Into::into),
            student_id: None,
            sis_id: None,
        }
    }

    fn student(sis: &str, first: &str, last: &str, dob: Option<&str>, grade: Option<&str>) -> Student {
        Student {
            id: format!("s-{sis}").as_str().into(),
            district_id: "d-dest".into(),
            sis_id: sis.into(),
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: dob.map(Into::into),
            grade: grade.map(Into::into),
            building: None,
        }
    }

    type Assessed = (Strength, Vec<Reason>);

    #[test]
    fn the_evidence_decides_the_strength() {
        use Reason::*;
        let jordan = person("Jordan", "Reyes", Some("2012-03-04"), Some("8"));
        let table: [(Student, Option<Assessed>); 11] = [
            (
                student("1", "Jordan", "Reyes", Some("2012-03-04"), Some("8")),
                Some((Strength::Strong, vec![Name, DateOfBirth, Grade])),
            ),
            (
                student("2", "JORDAN", "Réyes", Some("2012-03-04"), None),
                Some((Strength::Strong, vec![Name, DateOfBirth])),
            ),
            (
                student("3", "Jordan", "Reyes", Some("2012-04-03"), Some("8")),
                Some((Strength::Possible, vec![Name, Grade])),
            ),
            (student("4", "Jordan", "Reyes", None, None), Some((Strength::Possible, vec![Name]))),
            (student("5", "Jo", "Reyes", Some("2012-03-04"), None), Some((Strength::Strong, vec![Name, DateOfBirth]))),
            (student("6", "Jordana", "Reyes", None, None), Some((Strength::Possible, vec![Name]))),
            (
                student("7", "Giordano", "Reyes", Some("2012-03-04"), Some("8")),
                Some((Strength::Possible, vec![LastName, DateOfBirth, Grade])),
            ),
            (student("8", "Giordano", "Reyes", None, Some("8")), None),
            (student("9", "Jordan", "Reyes-Smith", Some("2012-03-04"), Some("8")), None),
            (student("10", "Jordan", "Rey", Some("2012-03-04"), Some("8")), None),
            (student("11", "", "Reyes", None, None), None),
        ];
        for (s, want) in table {
            assert_eq!(assess(&jordan, &s), want, "{} {}", s.first_name, s.last_name);
        }
        // A person sent without a date of birth matches on names alone, never strongly.
        let no_dob = person("Jordan", "Reyes", None, None);
        assert_eq!(
            assess(&no_dob, &student("1", "Jordan", "Reyes", Some("2012-03-04"), None)),
            Some((Strength::Possible, vec![Name]))
        );
        assert_eq!(assess(&person("Jordan", "  ", None, None), &student("1", "Jordan", "", None, None)), None);
    }

    #[test]
    fn strong_first_then_more_evidence_at_most_ten() {
        let jordan = person("Jordan", "Reyes", Some("2012-03-04"), Some("8"));
        let mut students = vec![
            student("40", "Jordan", "Reyes", None, None),
            student("30", "Jordan", "Reyes", None, Some("8")),
            student("31", "Jo", "Reyes", None, Some("8")),
            student("20", "Jordan", "Reyes", Some("2012-03-04"), None),
            student("10", "Jordan", "Reyes", Some("2012-03-04"), Some("8")),
        ];
        students.extend((100..120).map(|i| student(&i.to_string(), "Jordan", "Reyes", None, None)));
        let ranked = rank(&jordan, students);
        assert_eq!(ranked.len(), MAX_MATCHES);
        let sis: Vec<&str> = ranked.iter().take(5).map(|m| m.student.sis_id.as_str()).collect();
        assert_eq!(sis, ["10", "20", "30", "31", "100"]);
        assert_eq!(ranked[1].strength, Strength::Strong);
        assert_eq!(ranked[2].strength, Strength::Possible);
    }
}
