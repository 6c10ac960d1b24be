//! Records requests: the due date fixed on arrival, who may decide, what a suggestion is.

use super::*;
use crate::domain::deadline::Preset;
use chrono::{Datelike, Duration, Utc, Weekday};

fn district(id: &str, rule: Option<RecordsRule>) -> District {
    District {
        id: id.into(),
        name: id.to_uppercase(),
        transfers_enabled: true,
        notification_email: None,
        time_zone: Some("America/Chicago".into()),
        records_rule: rule,
        annual_notice_covers_transfers: None,
        parent_notice_on_receive: None,
        calendar: vec![],
    }
}

fn student(first: &str, last: &str, born: Option<NaiveDate>) -> StudentAsKnown {
    StudentAsKnown {
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: born,
        state_student_id: None,
        former_school: None,
    }
}

fn by() -> UserRef {
    UserRef { id: "u-1".into(), name: "One".into() }
}

#[test]
fn the_recipients_rule_fixes_the_due_date_when_the_request_arrives() {
    let mut monday = Utc::now().date_naive();
    while monday.weekday() != Weekday::Mon {
        monday = monday.succ_opt().unwrap();
    }
    let noon =
        chrono::TimeZone::from_local_datetime(&chrono_tz::America::Chicago, &monday.and_hms_opt(12, 0, 0).unwrap())
            .unwrap()
            .to_utc();
    let fl = RecordsRule::new(Preset::Fl, None, None).unwrap();
    let r = RecordRequest::new(
        &district("d-new", None),
        by(),
        &district("d-old", Some(fl)),
        &[],
        student("A", "B", None),
        None,
        None,
        Timestamp(noon),
    );
    let due = r.due.unwrap();
    assert_eq!(due.date, monday + Duration::days(3), "Tuesday, Wednesday, Thursday");
    assert_eq!(r.due_rule, Some(fl));
    assert!(!r.overdue(Timestamp(noon)));
    assert!(r.overdue(due.at + Duration::seconds(1)));
    assert!(!r.overdue(due.at));
    // Without a rule, no clock.
    let none = RecordRequest::new(
        &district("d-new", None),
        by(),
        &district("d-old", None),
        &[],
        student("A", "B", None),
        None,
        None,
        Timestamp(noon),
    );
    assert_eq!((none.due, none.due_rule), (None, None));
    assert!(!none.overdue(Timestamp(noon + Duration::days(999))));
}

#[test]
fn only_the_right_side_decides_an_open_request() {
    let mut r = RecordRequest::new(
        &district("d-new", None),
        by(),
        &district("d-old", None),
        &[],
        student("A", "B", None),
        None,
        None,
        Timestamp::now(),
    );
    let (new, old): (DistrictId, DistrictId) = ("d-new".into(), "d-old".into());
    assert!(r.check_decide(&old, RequestSide::Recipient).is_ok());
    assert!(r.check_decide(&new, RequestSide::Requesting).is_ok());
    assert!(matches!(
        r.check_decide(&new, RequestSide::Recipient),
        Err(Error::WrongRequestSide(RequestSide::Recipient))
    ));
    assert!(matches!(r.check_decide(&old, RequestSide::Requesting), Err(Error::WrongRequestSide(_))));
    r.status = RequestStatus::Declined;
    assert!(matches!(
        r.check_decide(&old, RequestSide::Recipient),
        Err(Error::RequestNotOpen(RequestStatus::Declined))
    ));
}

#[test]
fn a_case_may_be_the_student_by_name_or_by_last_name_and_birth() {
    let born = NaiveDate::from_ymd_opt(2011, 3, 14);
    let s = student("Jordan", "Reyes", born);
    let table = [
        (("Jordan", "Reyes", None), true),
        (("Jo", "RÉYES", None), true),
        (("Casey", "Reyes", Some("2011-03-14")), true),
        (("Casey", "Reyes", Some("2011-03-15")), false),
        (("Jordan", "Reyes-Smith", Some("2011-03-14")), false),
        (("", "Reyes", None), false),
    ];
    for ((first, last, dob), want) in table {
        assert_eq!(s.may_be(first, last, dob), want, "{first} {last} {dob:?}");
    }
}

#[test]
fn the_student_as_known_is_short_single_lines() {
    let mut s = student("A", "B", None);
    assert!(s.problems().is_empty());
    s.first_name = " ".into();
    s.last_name = "x".repeat(201);
    s.state_student_id = Some("a\u{7}".into());
    let fields: Vec<String> = s.problems().into_iter().map(|p| p.field).collect();
    assert_eq!(fields, ["student.firstName", "student.lastName", "student.stateStudentId"]);
}

#[test]
fn the_due_date_reads_as_days_left_today_or_days_late() {
    let mut monday = Utc::now().date_naive();
    while monday.weekday() != Weekday::Mon {
        monday = monday.succ_opt().unwrap();
    }
    let at = |d: NaiveDate, h: u32| {
        Timestamp(
            chrono::TimeZone::from_local_datetime(&chrono_tz::America::Chicago, &d.and_hms_opt(h, 0, 0).unwrap())
                .unwrap()
                .to_utc(),
        )
    };
    let tx = RecordsRule::new(Preset::Tx, None, None).unwrap();
    let r = RecordRequest::new(
        &district("d-new", None),
        by(),
        &district("d-old", Some(tx)),
        &[],
        student("A", "B", None),
        None,
        None,
        at(monday, 9),
    );
    let due = r.due.unwrap().date;
    assert_eq!(due, monday + Duration::days(14));
    let table = [
        (monday, 9, 10, false),
        (monday + Duration::days(4), 9, 6, false), // Friday: the next week and the due Monday
        (monday + Duration::days(5), 9, 6, false), // Saturday: the same six
        (due, 9, 0, false),
        (due, 23, 0, false),
        (due + Duration::days(1), 9, -1, true), // Tuesday after
        (due + Duration::days(5), 9, -4, true), // the Saturday after: Tue..Fri
    ];
    for (day, hour, count, overdue) in table {
        let d = r.due_in(&[], at(day, hour)).unwrap();
        assert_eq!((d.count, d.overdue, d.today), (count, overdue, day == due), "{day} {hour}h");
    }
}
