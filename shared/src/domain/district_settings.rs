//! A district's own settings (api.md v1.2, "Permissions and district settings"): its time zone, the
//! records rule its incoming requests are counted by, its calendar, and the two parent-notice
//! switches. Read by every Manage Cases user, changed by `manage_users` only.

use super::deadline::{DayRange, RecordsRule};
use super::ids::{DistrictId, UserId};
use super::model::{District, Timestamp};
use crate::error::FieldError;
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize};

pub const DEFAULT_TIME_ZONE: Tz = chrono_tz::America::Chicago;
/// At most this many ranges in a calendar.
pub const MAX_CALENDAR_RANGES: usize = 400;
/// At most this many characters in a range's name.
pub const MAX_RANGE_NAME_CHARS: usize = 200;

/// An IANA time zone name, or why not.
pub fn parse_time_zone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| format!("{name:?} is not an IANA time zone name (e.g. America/Chicago)"))
}

impl District {
    /// The district's time zone; the default where none is set (or a stored one no longer parses).
    pub fn tz(&self) -> Tz {
        self.time_zone.as_deref().and_then(|n| parse_time_zone(n).ok()).unwrap_or(DEFAULT_TIME_ZONE)
    }
}

/// `GET /v1/settings/district`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DistrictSettings {
    pub district_id: DistrictId,
    pub name: String,
    pub notification_email: Option<String>,
    pub time_zone: String,
    pub records_rule: Option<RecordsRule>,
    pub annual_notice_covers_transfers: bool,
    pub parent_notice_on_receive: bool,
    pub updated_at: Option<Timestamp>,
    pub updated_by: Option<UserId>,
    /// "A request received now is due on ...": the rule counted on the calendar from now (a preview).
    pub due_if_received_now: Option<chrono::NaiveDate>,
}

impl DistrictSettings {
    pub fn with_preview(mut self, d: &District, calendar: &[DayRange], now: Timestamp) -> Self {
        self.due_if_received_now =
            d.records_rule.and_then(|r| super::deadline::due(&r, d.tz(), calendar, now)).map(|due| due.date);
        self
    }

    pub fn of(d: &District, updated_at: Option<Timestamp>, updated_by: Option<UserId>) -> Self {
        DistrictSettings {
            district_id: d.id.clone(),
            name: d.name.clone(),
            notification_email: d.notification_email.clone(),
            time_zone: d.tz().name().to_owned(),
            records_rule: d.records_rule,
            annual_notice_covers_transfers: d.annual_notice_covers_transfers.unwrap_or(true),
            parent_notice_on_receive: d.parent_notice_on_receive.unwrap_or(false),
            updated_at,
            updated_by,
            due_if_received_now: None,
        }
    }
}

/// `null` given is `Some(None)` (clear it); absent is `None` (leave it).
fn given<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A field that cannot be cleared: absent leaves it, `null` is refused like any other wrong type.
fn not_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// `PUT /v1/settings/district`: any subset. The name is the deployment's (an import changes it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsChange {
    #[serde(default, deserialize_with = "given")]
    pub notification_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "given")]
    pub records_rule: Option<Option<RecordsRule>>,
    #[serde(default, deserialize_with = "not_null")]
    pub annual_notice_covers_transfers: Option<bool>,
    #[serde(default, deserialize_with = "not_null")]
    pub parent_notice_on_receive: Option<bool>,
}

impl SettingsChange {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if let Some(Some(email)) = &self.notification_email {
            if email.len() > 254 || !super::email::is_email(email) {
                out.push(FieldError::new("notificationEmail", "an email address, or null for none"));
            }
        }
        if let Some(Err(e)) = self.time_zone.as_deref().map(parse_time_zone) {
            out.push(FieldError::new("timeZone", e));
        }
        out
    }

    /// The district as this change leaves it.
    pub fn apply(&self, mut d: District) -> District {
        if let Some(email) = &self.notification_email {
            d.notification_email = email.clone();
        }
        if let Some(tz) = &self.time_zone {
            d.time_zone = Some(tz.clone());
        }
        if let Some(rule) = self.records_rule {
            d.records_rule = rule;
        }
        if let Some(b) = self.annual_notice_covers_transfers {
            d.annual_notice_covers_transfers = Some(b);
        }
        if let Some(b) = self.parent_notice_on_receive {
            d.parent_notice_on_receive = Some(b);
        }
        d
    }
}

/// A district's calendar (`GET|PUT /v1/settings/calendar`); the PUT replaces it whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Calendar {
    pub days: Vec<DayRange>,
}

impl Calendar {
    /// At most 400 ranges, each ending on or after its start, names short and on one line; `at` is the
    /// path of the list (`days`, or `$.districts[0].calendar` in an import).
    pub fn problems(days: &[DayRange], at: &str) -> Vec<FieldError> {
        let mut out = Vec::new();
        if days.len() > MAX_CALENDAR_RANGES {
            out.push(FieldError::new(at, format!("at most {MAX_CALENDAR_RANGES} ranges")));
        }
        for (i, r) in days.iter().enumerate().take(MAX_CALENDAR_RANGES + 1) {
            if r.to.is_some_and(|to| to < r.from) {
                out.push(FieldError::new(format!("{at}[{i}].to"), "on or after `from`"));
            }
            match r.name.as_deref() {
                Some(n) if n.trim().is_empty() => {
                    out.push(FieldError::new(format!("{at}[{i}].name"), "leave it out or give a name"))
                }
                Some(n) if n.chars().count() > MAX_RANGE_NAME_CHARS => out.push(FieldError::new(
                    format!("{at}[{i}].name"),
                    format!("at most {MAX_RANGE_NAME_CHARS} characters"),
                )),
                Some(n) if n.chars().any(char::is_control) => {
                    out.push(FieldError::new(format!("{at}[{i}].name"), "control characters are not allowed"))
                }
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::json;

    #[test]
    fn a_change_sets_what_it_gives_and_clears_what_it_nulls() {
        let d = District {
            id: "d-1".into(),
            name: "One".into(),
            transfers_enabled: true,
            notification_email: Some("a@one.example".into()),
            time_zone: None,
            records_rule: None,
            annual_notice_covers_transfers: None,
            parent_notice_on_receive: None,
            calendar: vec![],
        };
        let change: SettingsChange = serde_json::from_value(
            json!({"notificationEmail": null, "recordsRule": {"preset": "FL"}, "timeZone": "Asia/Tokyo"}),
        )
        .unwrap();
        assert!(change.problems().is_empty());
        let after = change.apply(d.clone());
        assert_eq!(after.notification_email, None);
        assert_eq!(after.records_rule.unwrap().days, 3);
        assert_eq!(after.tz(), chrono_tz::Asia::Tokyo);
        let keep: SettingsChange = serde_json::from_value(json!({})).unwrap();
        assert_eq!(keep.apply(d.clone()), d);
        let view = DistrictSettings::of(&d, None, None);
        assert_eq!(
            (view.time_zone.as_str(), view.annual_notice_covers_transfers, view.parent_notice_on_receive),
            ("America/Chicago", true, false)
        );
        for bad in [json!({"timeZone": "Mars/Olympus"}), json!({"notificationEmail": "nobody"})] {
            let change: SettingsChange = serde_json::from_value(bad.clone()).unwrap();
            assert_eq!(change.problems().len(), 1, "{bad}");
        }
        for refused in [
            json!({"name": "Renamed"}),
            json!({"recordsRule": {"preset": "TX", "days": 9}}),
            json!({"recordsRule": {"preset": "NY"}}),
        ] {
            assert!(serde_json::from_value::<SettingsChange>(refused.clone()).is_err(), "{refused}");
        }
    }

    #[test]
    fn a_calendar_has_at_most_400_well_formed_ranges() {
        let day = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        let range = |to: Option<NaiveDate>, name: Option<&str>| DayRange {
            from: day,
            to,
            kind: super::super::deadline::DayKind::Holiday,
            name: name.map(Into::into),
        };
        assert!(Calendar::problems(&[range(None, Some("New Year")), range(Some(day), None)], "days").is_empty());
        let bad = [range(day.pred_opt(), None), range(None, Some(" ")), range(None, Some("a\nb"))];
        let fields: Vec<String> = Calendar::problems(&bad, "days").into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["days[0].to", "days[1].name", "days[2].name"]);
        assert_eq!(Calendar::problems(&vec![range(None, None); 401], "days")[0].field, "days");
    }
}
