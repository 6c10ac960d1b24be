//! The law's clock on a records request (api.md v1.2, "Deadlines"): the recipient's rule (a state
//! preset or its own), counted in its time zone on its calendar. Counting starts the day after the local
//! date the request arrived; the due date is the N-th counted day, due at its end (23:59:59 local), and
//! the "due soon" reminder goes at its start.

use super::model::Timestamp;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How far ahead a due date is looked for: a calendar that leaves no counted day for ten years has
/// no due date rather than a loop without end.
const HORIZON_DAYS: i64 = 3_660;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Unit {
    CalendarDays,
    WorkingDays,
    SchoolDays,
}

/// The state rules the portal knows, and `custom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
pub enum Preset {
    #[serde(rename = "TX")]
    Tx,
    #[serde(rename = "FL")]
    Fl,
    #[serde(rename = "LA")]
    La,
    #[serde(rename = "CA")]
    Ca,
    #[serde(rename = "ID")]
    Id,
    #[serde(rename = "custom")]
    Custom,
}

impl Preset {
    /// The law's count: days and unit (`None` for `custom`, which brings its own).
    pub fn count(self) -> Option<(u32, Unit)> {
        match self {
            Preset::Tx | Preset::La => Some((10, Unit::WorkingDays)),
            Preset::Fl => Some((3, Unit::SchoolDays)),
            Preset::Ca => Some((10, Unit::SchoolDays)),
            Preset::Id => Some((10, Unit::CalendarDays)),
            Preset::Custom => None,
        }
    }
}

/// At most this many days in a custom rule.
pub const MAX_CUSTOM_DAYS: u32 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "RuleInput")]
pub struct RecordsRule {
    pub preset: Preset,
    pub days: u32,
    pub unit: Unit,
}

/// A rule as given: a preset alone, or with its own days and unit.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RuleInput {
    preset: Preset,
    #[serde(default)]
    days: Option<u32>,
    #[serde(default)]
    unit: Option<Unit>,
}

impl TryFrom<RuleInput> for RecordsRule {
    type Error = String;
    fn try_from(r: RuleInput) -> Result<Self, String> {
        RecordsRule::new(r.preset, r.days, r.unit)
    }
}

impl RecordsRule {
    /// A rule as a district gives it: a preset's count is the law's (days and unit may be left out, and
    /// must agree when given); `custom` needs 1..=60 days and a unit.
    pub fn new(preset: Preset, days: Option<u32>, unit: Option<Unit>) -> Result<RecordsRule, String> {
        match preset.count() {
            Some((d, u)) if days.is_some_and(|x| x != d) || unit.is_some_and(|x| x != u) => {
                Err(format!("this preset counts {d} {}; leave days and unit out", unit_name(u)))
            }
            Some((d, u)) => Ok(RecordsRule { preset, days: d, unit: u }),
            None => match (days, unit) {
                (Some(d), Some(u)) if (1..=MAX_CUSTOM_DAYS).contains(&d) => {
                    Ok(RecordsRule { preset, days: d, unit: u })
                }
                _ => Err(format!("a custom rule needs days (1 to {MAX_CUSTOM_DAYS}) and a unit")),
            },
        }
    }
}

fn unit_name(u: Unit) -> &'static str {
    u.into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// Neither a working day nor a school day.
    Holiday,
    /// A working day, not a school day: breaks, summer, teacher work days.
    NonSchool,
}

/// A range of days of a district's calendar, `to` inclusive (absent: the one day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DayRange {
    pub from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    pub kind: DayKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl DayRange {
    pub fn last(&self) -> NaiveDate {
        self.to.unwrap_or(self.from)
    }

    fn holds(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.last()
    }
}

/// Whether `day` counts under `unit` on this calendar.
pub fn counts(unit: Unit, calendar: &[DayRange], day: NaiveDate) -> bool {
    let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    let kind = |k: DayKind| calendar.iter().any(|r| r.kind == k && r.holds(day));
    match unit {
        Unit::CalendarDays => true,
        Unit::WorkingDays => weekday && !kind(DayKind::Holiday),
        Unit::SchoolDays => weekday && !kind(DayKind::Holiday) && !kind(DayKind::NonSchool),
    }
}

/// When a request is due, fixed on it when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Due {
    /// The N-th counted day, in the recipient's time zone.
    pub date: NaiveDate,
    /// The end of that day (23:59:59 local), as an instant.
    pub at: Timestamp,
    /// Its start: when the "due soon" reminder goes.
    pub soon_at: Timestamp,
}

/// The due date of a request created at `created`, by `rule`, in `tz`, on `calendar`; `None` when no
/// day counts within ten years.
pub fn due(rule: &RecordsRule, tz: Tz, calendar: &[DayRange], created: Timestamp) -> Option<Due> {
    let mut day = created.0.with_timezone(&tz).date_naive();
    let mut counted = 0;
    for _ in 0..HORIZON_DAYS {
        day = day.succ_opt()?;
        if counts(rule.unit, calendar, day) {
            counted += 1;
            if counted == rule.days {
                let next = start_of(tz, day.succ_opt()?)?;
                return Some(Due { date: day, at: next - Duration::seconds(1), soon_at: start_of(tz, day)? });
            }
        }
    }
    None
}

/// The first instant of a local day (midnight, or the end of a DST gap that swallowed it).
fn start_of(tz: Tz, day: NaiveDate) -> Option<Timestamp> {
    (0..=3).find_map(|h| {
        let local = NaiveDateTime::new(day, NaiveTime::from_hms_opt(h, 0, 0)?);
        tz.from_local_datetime(&local).earliest().map(|t| Timestamp(t.to_utc()))
    })
}

/// Local days from `from` to `to` that count under `unit` (`to` excluded): "due in 2 school days".
pub fn counted_between(unit: Unit, calendar: &[DayRange], from: NaiveDate, to: NaiveDate) -> i64 {
    let (start, end, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
    let mut n = 0;
    let mut d = start;
    while d < end && (d - start).num_days() < HORIZON_DAYS {
        if counts(unit, calendar, d) {
            n += 1;
        }
        d = d.succ_opt().unwrap_or(end);
    }
    sign * n
}

#[cfg(test)]
#[path = "deadline_tests.rs"]
mod tests;
