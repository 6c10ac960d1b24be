//! Who looks after a case: its building, team, team leader and case manager (api.md v1.2, "Matching
//! and assignment"). A destination assigns its own staff on accept; what it leaves blank stays empty
//! ("Unassigned"), never the sender's values, which the new case keeps as provenance.

use super::model::CaseHeader;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// At most this many characters in an assigned value.
pub const MAX_ASSIGN_CHARS: usize = 200;

/// The four values, as a case carries them (`""` when unassigned).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Staffing {
    pub building: String,
    pub team_name: String,
    pub team_leader: String,
    pub case_manager: String,
}

impl Staffing {
    pub fn of(h: &CaseHeader) -> Staffing {
        Staffing {
            building: h.building.clone(),
            team_name: h.team_name.clone(),
            team_leader: h.team_leader.clone(),
            case_manager: h.case_manager.clone(),
        }
    }

    /// Whether any of the four is missing: `GET /v1/cases?unassigned=true`.
    pub fn is_unassigned(&self) -> bool {
        [&self.building, &self.team_name, &self.team_leader, &self.case_manager].iter().any(|v| v.is_empty())
    }
}

/// What a decision assigns; each field optional. Read from a JSON object only (a derived struct would
/// also take an array of values, in order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "BTreeMap<String, String>")]
pub struct Assignment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_leader: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_manager: Option<String>,
}

impl TryFrom<BTreeMap<String, String>> for Assignment {
    type Error = String;
    fn try_from(mut map: BTreeMap<String, String>) -> Result<Self, String> {
        let a = Assignment {
            building: map.remove("building"),
            team_name: map.remove("teamName"),
            team_leader: map.remove("teamLeader"),
            case_manager: map.remove("caseManager"),
        };
        match map.keys().next() {
            Some(unknown) => {
                Err(format!("unknown field `{unknown}`, expected one of building, teamName, teamLeader, caseManager"))
            }
            None => Ok(a),
        }
    }
}

/// The fields a case is assigned by, as the contract names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "camelCase")]
pub enum StaffField {
    Building,
    TeamName,
    TeamLeader,
    CaseManager,
}

impl StaffField {
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn of(self, s: &Staffing) -> &str {
        match self {
            StaffField::Building => &s.building,
            StaffField::TeamName => &s.team_name,
            StaffField::TeamLeader => &s.team_leader,
            StaffField::CaseManager => &s.case_manager,
        }
    }
}

impl Assignment {
    fn fields(&self) -> [(StaffField, Option<&String>); 4] {
        [
            (StaffField::Building, self.building.as_ref()),
            (StaffField::TeamName, self.team_name.as_ref()),
            (StaffField::TeamLeader, self.team_leader.as_ref()),
            (StaffField::CaseManager, self.case_manager.as_ref()),
        ]
    }

    /// Each given value: 1..=200 characters, not blank, on one line (no control characters at all:
    /// these are names shown in table cells and emails).
    pub fn problems(&self, at: &str) -> Vec<FieldError> {
        let mut out = Vec::new();
        for (field, value) in self.fields() {
            let Some(v) = value else { continue };
            let path = format!("{at}.{}", field.name());
            if v.trim().is_empty() {
                out.push(FieldError::new(path, "leave it out to keep it unassigned, or give a value"));
            } else if v.chars().count() > MAX_ASSIGN_CHARS {
                out.push(FieldError::new(path, format!("at most {MAX_ASSIGN_CHARS} characters")));
            } else if v.chars().any(char::is_control) {
                out.push(FieldError::new(path, "control characters are not allowed"));
            }
        }
        out
    }

    /// The new case's own values: the assigned ones, trimmed; `default_building` (the linked
    /// student's building in the destination's SIS) when no building is assigned; empty otherwise.
    pub fn staffing(&self, default_building: Option<&str>) -> Staffing {
        let v = |x: &Option<String>| x.as_deref().map(str::trim).unwrap_or_default().to_owned();
        let mut s = Staffing {
            building: v(&self.building),
            team_name: v(&self.team_name),
            team_leader: v(&self.team_leader),
            case_manager: v(&self.case_manager),
        };
        if s.building.is_empty() {
            s.building = default_building.unwrap_or_default().trim().to_owned();
        }
        s
    }
}

impl CaseHeader {
    pub fn set_staffing(&mut self, s: Staffing) {
        self.building = s.building;
        self.team_name = s.team_name;
        self.team_leader = s.team_leader;
        self.case_manager = s.case_manager;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(building: Option<&str>, team: Option<&str>) -> Assignment {
        Assignment {
            building: building.map(str::to_owned),
            team_name: team.map(str::to_owned),
            ..Assignment::default()
        }
    }

    #[test]
    fn what_is_not_assigned_stays_empty_and_the_students_building_is_the_default() {
        let cases: [(Assignment, Option<&str>, [&str; 4]); 4] = [
            (a(None, None), None, ["", "", "", ""]),
            (a(None, None), Some("Evergreen Middle"), ["Evergreen Middle", "", "", ""]),
            (a(Some(" Lincoln High "), Some("BTAM")), Some("Evergreen Middle"), ["Lincoln High", "BTAM", "", ""]),
            (Assignment { case_manager: Some("Nia Adams".into()), ..a(None, None) }, None, ["", "", "", "Nia Adams"]),
        ];
        for (assign, student_building, want) in cases {
            let s = assign.staffing(student_building);
            assert_eq!([s.building.as_str(), &s.team_name, &s.team_leader, &s.case_manager], want, "{assign:?}");
            assert_eq!(s.is_unassigned(), want.iter().any(|v| v.is_empty()));
        }
    }

    #[test]
    fn assigned_values_are_short_single_lines() {
        let long = "x".repeat(MAX_ASSIGN_CHARS + 1);
        let fine = "x".repeat(MAX_ASSIGN_CHARS);
        let table: [(Option<&str>, bool); 6] = [
            (Some(&fine), true),
            (Some("Lincoln BTAM"), true),
            (Some(&long), false),
            (Some("   "), false),
            (Some("Line\nbreak"), false),
            (Some("bell\u{7}"), false),
        ];
        for (value, ok) in table {
            let problems = a(None, value).problems("decisions[0].assign");
            assert_eq!(problems.is_empty(), ok, "{value:?}: {problems:?}");
            if !ok {
                assert_eq!(problems[0].field, "decisions[0].assign.teamName");
            }
        }
    }
}
