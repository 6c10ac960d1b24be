//! The counting table (api.md v1.2, "Deadlines"). Every date is computed from today (the next Friday,
//! the next spring-forward Sunday), never written as a literal that would go stale.

use super::*;
use chrono::{Datelike, Timelike, Utc};
use chrono_tz::America::{Chicago, Los_Angeles, Santiago};
use chrono_tz::Pacific::{Auckland, Honolulu};
use std::collections::HashSet;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The first `weekday` strictly after `after`.
fn next(weekday: Weekday, after: NaiveDate) -> NaiveDate {
    let mut d = after.succ_opt().unwrap();
    while d.weekday() != weekday {
        d = d.succ_opt().unwrap();
    }
    d
}

fn local(tz: Tz, day: NaiveDate, h: u32, m: u32, s: u32) -> Timestamp {
    Timestamp(tz.from_local_datetime(&day.and_hms_opt(h, m, s).unwrap()).earliest().unwrap().to_utc())
}

fn rule(preset: Preset) -> RecordsRule {
    RecordsRule::new(preset, None, None).unwrap()
}

fn range(from: NaiveDate, to: NaiveDate, kind: DayKind) -> DayRange {
    DayRange { from, to: Some(to), kind, name: None }
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    d + Duration::days(days)
}

/// An independent count for the table: the N-th day after `start` that is a weekday (unless calendar
/// days) and in none of `skipped`.
fn oracle(start: NaiveDate, n: u32, weekdays_only: bool, skipped: &HashSet<NaiveDate>) -> NaiveDate {
    let mut d = start;
    let mut left = n;
    loop {
        d = d.succ_opt().unwrap();
        let off = weekdays_only && matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if !off && !skipped.contains(&d) {
            left -= 1;
            if left == 0 {
                return d;
            }
        }
    }
}

fn days_of(r: &DayRange) -> HashSet<NaiveDate> {
    r.from.iter_days().take_while(|d| *d <= r.last()).collect()
}

#[test]
fn every_preset_and_custom_rule_counts_as_the_law_says() {
    let friday = next(Weekday::Fri, today());
    let created = local(Chicago, friday, 15, 0, 0);
    let wednesday = next(Weekday::Wed, today());
    let table: [(RecordsRule, Timestamp, NaiveDate); 7] = [
        // Texas: Friday 15:00 -> the Friday two weeks later (the spec's example).
        (rule(Preset::Tx), created, plus(friday, 14)),
        (rule(Preset::La), created, plus(friday, 14)),
        // Florida, three school days from a Wednesday: Thursday, Friday, Monday.
        (rule(Preset::Fl), local(Chicago, wednesday, 9, 0, 0), plus(wednesday, 5)),
        (rule(Preset::Ca), created, plus(friday, 14)),
        (rule(Preset::Id), created, plus(friday, 10)),
        (RecordsRule::new(Preset::Custom, Some(1), Some(Unit::WorkingDays)).unwrap(), created, plus(friday, 3)),
        (RecordsRule::new(Preset::Custom, Some(60), Some(Unit::CalendarDays)).unwrap(), created, plus(friday, 60)),
    ];
    for (rule, created, want) in table {
        let due = due(&rule, Chicago, &[], created).unwrap();
        assert_eq!(due.date, want, "{rule:?}");
        assert_eq!(due.at, local(Chicago, want, 23, 59, 59), "{rule:?}: due at the end of the day");
        assert_eq!(due.soon_at, local(Chicago, want, 0, 0, 0), "{rule:?}: reminded at its start");
    }
}

#[test]
fn holidays_skip_working_days_and_non_school_days_skip_only_school_days() {
    let monday = next(Weekday::Mon, today());
    let created = local(Chicago, plus(monday, -3), 10, 0, 0); // the Friday before
    let holiday = range(plus(monday, 1), plus(monday, 2), DayKind::Holiday); // Tuesday and Wednesday
    let break_week = range(plus(monday, 7), plus(monday, 11), DayKind::NonSchool); // the next week
    let calendar = [holiday.clone(), break_week.clone()];
    let mut holidays = days_of(&holiday);
    let working = oracle(plus(monday, -3), 10, true, &holidays);
    holidays.extend(days_of(&break_week));
    let school = oracle(plus(monday, -3), 10, true, &holidays);
    assert_eq!(due(&rule(Preset::Tx), Chicago, &calendar, created).unwrap().date, working);
    assert_eq!(due(&rule(Preset::Ca), Chicago, &calendar, created).unwrap().date, school);
    assert_eq!(school, plus(working, 7), "a school week off moves a school-day count by a week");
    // Calendar days count holidays too.
    assert_eq!(due(&rule(Preset::Id), Chicago, &calendar, created).unwrap().date, plus(monday, 7));
}

#[test]
fn a_winter_break_across_the_new_year_is_skipped() {
    let year = today().year() + 1;
    let eve = NaiveDate::from_ymd_opt(year, 12, 23).unwrap();
    let winter = range(plus(eve, 1), NaiveDate::from_ymd_opt(year + 1, 1, 2).unwrap(), DayKind::NonSchool);
    let created = local(Chicago, eve, 16, 0, 0);
    let got = due(&rule(Preset::Fl), Chicago, std::slice::from_ref(&winter), created).unwrap();
    assert_eq!(got.date, oracle(eve, 3, true, &days_of(&winter)));
    assert_eq!(got.date.year(), year + 1);
    // Texas counts working days: a non-school break is still working days.
    let tx = due(&rule(Preset::Tx), Chicago, std::slice::from_ref(&winter), created).unwrap();
    assert_eq!(tx.date, oracle(eve, 10, true, &HashSet::new()));
}

#[test]
fn the_local_date_decides_east_and_west_of_utc() {
    let monday = next(Weekday::Mon, today());
    // Tuesday 01:00 in Auckland is still Monday in Honolulu.
    let instant = local(Auckland, plus(monday, 1), 1, 0, 0);
    assert_eq!(instant.0.with_timezone(&Honolulu).date_naive(), monday);
    let east = due(&rule(Preset::Tx), Auckland, &[], instant).unwrap();
    let west = due(&rule(Preset::Tx), Honolulu, &[], instant).unwrap();
    assert_eq!(east.date, plus(monday, 15));
    assert_eq!(west.date, plus(monday, 14));
    assert_eq!(east.at, local(Auckland, east.date, 23, 59, 59));
    assert_eq!(west.at, local(Honolulu, west.date, 23, 59, 59));
}

#[test]
fn late_at_night_and_on_a_day_off_count_from_the_next_day() {
    let friday = next(Weekday::Fri, today());
    let want = plus(friday, 14);
    for created in [
        local(Los_Angeles, friday, 0, 0, 1),
        local(Los_Angeles, friday, 23, 59, 0),
        local(Los_Angeles, friday, 23, 59, 59),
        local(Los_Angeles, plus(friday, 1), 0, 0, 0),  // Saturday
        local(Los_Angeles, plus(friday, 2), 12, 0, 0), // Sunday
    ] {
        assert_eq!(due(&rule(Preset::Tx), Los_Angeles, &[], created).unwrap().date, want, "{created}");
    }
    // A minute later it is Monday: one more day.
    let monday = local(Los_Angeles, plus(friday, 3), 0, 0, 0);
    assert_eq!(due(&rule(Preset::Tx), Los_Angeles, &[], monday).unwrap().date, plus(friday, 17));
}

#[test]
fn daylight_saving_changes_keep_the_end_and_start_of_the_local_day() {
    // The second Sunday of March and the first Sunday of November of next year (US rules).
    let year = today().year() + 1;
    let spring = next(Weekday::Sun, NaiveDate::from_ymd_opt(year, 3, 7).unwrap());
    let autumn = next(Weekday::Sun, NaiveDate::from_ymd_opt(year, 10, 31).unwrap());
    for change in [spring, autumn] {
        for days in 1..=3 {
            let r = RecordsRule::new(Preset::Custom, Some(days), Some(Unit::CalendarDays)).unwrap();
            let got = due(&r, Chicago, &[], local(Chicago, plus(change, -2), 12, 0, 0)).unwrap();
            let at = got.at.0.with_timezone(&Chicago);
            let soon = got.soon_at.0.with_timezone(&Chicago);
            assert_eq!(
                (at.date_naive(), at.hour(), at.minute(), at.second()),
                (got.date, 23, 59, 59),
                "{change} +{days}"
            );
            assert_eq!((soon.date_naive(), soon.hour(), soon.minute()), (got.date, 0, 0), "{change} +{days}");
        }
        let offset = |d: NaiveDate| local(Chicago, d, 12, 0, 0).0.with_timezone(&Chicago).format("%z").to_string();
        assert_ne!(offset(plus(change, -1)), offset(plus(change, 1)), "{change} is a change of offset");
    }
    // Where a change skips midnight itself, a day starts when its first hour does.
    let days = NaiveDate::from_ymd_opt(year, 1, 1).unwrap().iter_days().take(366);
    for d in days {
        let start = start_of(Santiago, d).unwrap().0.with_timezone(&Santiago);
        assert_eq!(start.date_naive(), d);
        assert!(start.hour() <= 1, "{d}: {start}");
    }
}

#[test]
fn a_calendar_without_a_counted_day_has_no_due_date() {
    let from = today();
    let all = [range(from, plus(from, 4_000), DayKind::Holiday)];
    assert_eq!(due(&rule(Preset::Tx), Chicago, &all, local(Chicago, from, 9, 0, 0)), None);
    assert!(due(&rule(Preset::Id), Chicago, &all, local(Chicago, from, 9, 0, 0)).is_some());
}

#[test]
fn rules_take_the_laws_count_or_a_custom_one() {
    assert_eq!(rule(Preset::Fl), RecordsRule { preset: Preset::Fl, days: 3, unit: Unit::SchoolDays });
    assert!(RecordsRule::new(Preset::Tx, Some(10), Some(Unit::WorkingDays)).is_ok());
    for (preset, days, unit) in [
        (Preset::Tx, Some(9), None),
        (Preset::Fl, None, Some(Unit::WorkingDays)),
        (Preset::Custom, None, Some(Unit::WorkingDays)),
        (Preset::Custom, Some(0), Some(Unit::WorkingDays)),
        (Preset::Custom, Some(61), Some(Unit::SchoolDays)),
        (Preset::Custom, Some(5), None),
    ] {
        assert!(RecordsRule::new(preset, days, unit).is_err(), "{preset:?} {days:?} {unit:?}");
    }
}

#[test]
fn days_left_are_counted_in_the_rules_unit() {
    let monday = next(Weekday::Mon, today());
    let calendar = [range(plus(monday, 2), plus(monday, 2), DayKind::Holiday)];
    assert_eq!(counted_between(Unit::WorkingDays, &calendar, monday, plus(monday, 7)), 4);
    assert_eq!(counted_between(Unit::CalendarDays, &calendar, monday, plus(monday, 7)), 7);
    assert_eq!(counted_between(Unit::WorkingDays, &calendar, plus(monday, 7), monday), -4);
    assert_eq!(counted_between(Unit::SchoolDays, &[], monday, monday), 0);
}
