//! The lifecycle as a table: every operation, from every state, by every party.

use super::*;
use crate::error::Error;
use chrono::{Duration, TimeZone, Utc};

fn district(id: &str, enabled: bool) -> District {
    District {
        id: id.into(),
        name: id.to_uppercase(),
        transfers_enabled: enabled,
        notification_email: None,
        time_zone: None,
        records_rule: None,
        annual_notice_covers_transfers: None,
        parent_notice_on_receive: None,
        calendar: vec![],
    }
}

fn user(district: &str) -> User {
    User {
        id: format!("u-{district}").as_str().into(),
        district_id: district.into(),
        name: "Someone".into(),
        email: "someone@example.org".into(),
        phone: None,
        permissions: vec![Permission::ManageCases],
        active: true,
        updated_at: None,
        updated_by: None,
    }
}

pub(super) fn now() -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 1, 12, 0, 0).unwrap().into()
}

fn key() -> SecretKey {
    SecretKey::new(vec![7u8; 32])
}

pub(super) fn transfer(status: TransferStatus, code: &AuthCode) -> TransferRequest {
    TransferRequest {
        id: "t-1".into(),
        status,
        source: DistrictRef { id: "north".into(), name: "North".into() },
        destination: DistrictRef { id: "south".into(), name: "South".into() },
        cases: vec![],
        notes: None,
        created_at: now() - Duration::days(1),
        created_by: UserRef { id: "u-north".into(), name: "Someone".into() },
        sender_contact: Contact::default(),
        expires_at: now() + Duration::days(29),
        decided_at: None,
        decided_by: None,
        reason: None,
        failed_attempts: 0,
        code: key().hash(code),
        code_version: 0,
        revealed: false,
        created_cases: vec![],
        record_request_id: None,
    }
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Verify,
    Reject,
    Cancel,
    Regenerate,
}

fn run(op: Op, t: &TransferRequest, who: &str, enabled: bool, code: &AuthCode, at: Timestamp) -> Result<(), Error> {
    let (u, d) = (user(who), district(who, enabled));
    let actor = Actor { user: &u, district: &d };
    match op {
        Op::Verify => check_code(t, &actor, &key(), code, at)?.into_result(),
        Op::Reject => check_reject(t, &actor, at),
        Op::Cancel => check_cancel(t, &actor, at),
        Op::Regenerate => check_regenerate(t, &actor, at),
    }
}

#[test]
fn every_operation_from_every_state_by_every_party() {
    use TransferStatus::*;
    let code = AuthCode::generate();
    // (operation, the party allowed, the party refused with a 403 naming the allowed side)
    let ops = [
        (Op::Verify, "south", "north", Side::Destination),
        (Op::Reject, "south", "north", Side::Destination),
        (Op::Cancel, "north", "south", Side::Source),
        (Op::Regenerate, "north", "south", Side::Source),
    ];
    for status in [Pending, Accepted, Rejected, Cancelled, Expired] {
        let t = transfer(status, &code);
        for (op, allowed, other, side) in ops {
            let got = run(op, &t, allowed, true, &code, now());
            match status {
                Pending => assert!(got.is_ok(), "{op:?} on {status:?}: {got:?}"),
                Expired => assert!(matches!(got, Err(Error::TransferExpired)), "{op:?} on {status:?}: {got:?}"),
                s => assert!(
                    matches!(got, Err(Error::TransferNotPending(cur)) if cur == s),
                    "{op:?} on {status:?}: {got:?}"
                ),
            }
            let refused = run(op, &t, other, true, &code, now());
            assert!(matches!(refused, Err(Error::WrongSide(s)) if s == side), "{op:?} by {other}: {refused:?}");
            assert!(matches!(run(op, &t, "east", true, &code, now()), Err(Error::NotFound)), "{op:?} by a stranger");
        }
    }
}

#[test]
fn a_pending_request_past_its_expiry_is_expired_for_every_decision() {
    let code = AuthCode::generate();
    let t = transfer(TransferStatus::Pending, &code);
    let later = t.expires_at;
    assert_eq!(t.status_at(later), TransferStatus::Expired);
    for (op, who) in [(Op::Verify, "south"), (Op::Reject, "south"), (Op::Cancel, "north"), (Op::Regenerate, "north")] {
        assert!(matches!(run(op, &t, who, true, &code, later), Err(Error::TransferExpired)), "{op:?}");
    }
}

#[test]
fn verify_needs_the_destinations_toggle_on_but_reject_and_cancel_do_not() {
    let code = AuthCode::generate();
    let t = transfer(TransferStatus::Pending, &code);
    assert!(matches!(run(Op::Verify, &t, "south", false, &code, now()), Err(Error::TransfersDisabled)));
    assert!(run(Op::Reject, &t, "south", false, &code, now()).is_ok());
    assert!(run(Op::Cancel, &t, "north", false, &code, now()).is_ok());
}

#[test]
fn five_wrong_codes_lock_and_each_failure_tells_what_remains() {
    let code = AuthCode::generate();
    let wrong = AuthCode::generate();
    let mut t = transfer(TransferStatus::Pending, &code);
    let (u, d) = (user("south"), district("south", true));
    let actor = Actor { user: &u, district: &d };
    for expected in (1..=4).rev() {
        let got = check_code(&t, &actor, &key(), &wrong, now()).unwrap();
        assert_eq!(got, CodeAttempt::Wrong { attempts_remaining: expected });
        assert_eq!(got.event(), EventType::CodeFailed);
        t.failed_attempts += 1;
    }
    let last = check_code(&t, &actor, &key(), &wrong, now()).unwrap();
    assert_eq!(last, CodeAttempt::WrongAndLocked);
    assert_eq!(last.event(), EventType::CodeLocked);
    t.failed_attempts += 1;
    assert!(t.locked());
    // Locked: even the right code is refused until the sender regenerates.
    assert!(matches!(check_code(&t, &actor, &key(), &code, now()), Err(Error::AuthCodeLocked)));
    assert!(run(Op::Regenerate, &t, "north", true, &code, now()).is_ok());
}

#[test]
fn the_right_code_in_any_spelling_is_correct() {
    let code = AuthCode::generate();
    let t = transfer(TransferStatus::Pending, &code);
    let typed = AuthCode::from_input(&code.display().to_lowercase().replace('-', " "));
    assert!(run(Op::Verify, &t, "south", true, &typed, now()).is_ok());
}

#[test]
fn contents_are_hidden_from_the_destination_until_revealed() {
    let code = AuthCode::generate();
    let mut t = transfer(TransferStatus::Pending, &code);
    assert!(t.contents_visible_to(Side::Source));
    assert!(!t.contents_visible_to(Side::Destination));
    t.revealed = true;
    assert!(t.contents_visible_to(Side::Destination));
}

fn header() -> SnapshotHeader {
    SnapshotHeader {
        history: vec![],
        outcome: None,
        decline_reason: None,
        source_case_id: "c-1".into(),
        header: CaseHeader {
            case_number: "1".into(),
            person_of_concern: PersonOfConcern {
                first_name: "A".into(),
                last_name: "B".into(),
                date_of_birth: None,
                grade: None,
                student_id: None,
                sis_id: None,
            },
            building: "b".into(),
            team_name: "t".into(),
            team_leader: "l".into(),
            case_manager: "m".into(),
            status: CaseStatus::Open,
            risk_level: None,
            opened_at: now(),
        },
    }
}

#[test]
fn decisions_must_cover_each_case_exactly_once() {
    let code = AuthCode::generate();
    let mut t = transfer(TransferStatus::Pending, &code);
    let mut second = header();
    second.source_case_id = "c-2".into();
    t.cases = vec![header(), second];
    let d = |id: &str| Decision {
        source_case_id: id.into(),
        choice: Choice::Take(CaseLink::TransferInfo, Default::default()),
    };
    assert!(check_decisions(&t, &[d("c-1"), d("c-2")]).is_ok());
    for bad in [vec![d("c-1")], vec![d("c-1"), d("c-1")], vec![d("c-1"), d("c-2"), d("c-3")], vec![]] {
        assert!(matches!(check_decisions(&t, &bad), Err(Error::DecisionsMismatch(_))), "{bad:?}");
    }
}

#[test]
fn send_checks_size_notes_toggles_and_destination() {
    let (u, me) = (user("north"), district("north", true));
    let actor = Actor { user: &u, district: &me };
    let south = district("south", true);
    let ids = |n: usize| (0..n).map(|i| CaseId::from(format!("c-{i}").as_str())).collect::<Vec<_>>();
    assert!(validate_send(&ids(25), Some("hello")).is_ok());
    assert!(matches!(validate_send(&ids(26), None), Err(Error::Validation(_))));
    assert!(matches!(validate_send(&[], None), Err(Error::Validation(_))));
    let dup: Vec<CaseId> = vec!["c-1".into(), "c-1".into()];
    assert!(matches!(validate_send(&dup, None), Err(Error::Validation(_))));
    let long = "x".repeat(2_001);
    assert!(matches!(validate_send(&ids(1), Some(&long)), Err(Error::Validation(_))));
    assert!(matches!(validate_send(&ids(1), Some("bell\u{7}")), Err(Error::Validation(_))));
    assert!(validate_send(&ids(1), Some("two\nlines\tand a tab")).is_ok());
    assert!(check_send(&actor, Some(&south)).is_ok());
    assert!(matches!(check_send(&actor, Some(&district("south", false))), Err(Error::DestinationUnavailable)));
    assert!(matches!(check_send(&actor, Some(&me)), Err(Error::DestinationUnavailable)));
    assert!(matches!(check_send(&actor, None), Err(Error::DestinationUnavailable)));
    let off = district("north", false);
    let actor_off = Actor { user: &u, district: &off };
    assert!(matches!(check_send(&actor_off, Some(&south)), Err(Error::TransfersDisabled)));
}

#[test]
fn accept_plans_new_cases_from_the_destinations_sequence_with_provenance() {
    let code = AuthCode::generate();
    let mut t = transfer(TransferStatus::Pending, &code);
    let mut second = header();
    second.source_case_id = "c-2".into();
    second.header.person_of_concern.student_id = Some("s-north-9".into());
    t.cases = vec![header(), second];
    let south = district("south", true);
    let student = Student {
        id: "s-7".into(),
        district_id: "south".into(),
        sis_id: "SIS-7".into(),
        first_name: "Jordan".into(),
        last_name: "Reyes".into(),
        date_of_birth: Some("2011-03-14".into()),
        grade: Some("8".into()),
        building: Some("South Middle".into()),
    };
    let decisions = vec![
        Decision {
            source_case_id: "c-1".into(),
            choice: Choice::Take(CaseLink::Sis { student_id: "s-7".into() }, Default::default()),
        },
        Decision { source_case_id: "c-2".into(), choice: Choice::Take(CaseLink::TransferInfo, Default::default()) },
    ];
    let cases = plan_accept(&t, &south, &decisions, std::slice::from_ref(&student), 41, now()).unwrap();
    assert_eq!(cases[0].header.case_number, "2026-0042");
    assert_eq!(cases[1].header.case_number, "2026-0043");
    assert_eq!(cases[0].header.person_of_concern.student_id, Some("s-7".into()));
    assert_eq!(cases[0].header.building, "South Middle");
    assert_eq!(cases[1].header.person_of_concern.student_id, None);
    let p = cases[1].provenance.as_ref().unwrap();
    assert_eq!((p.source_case_id.as_str(), p.transfer_id.as_str()), ("c-2", "t-1"));
    assert!(cases.iter().all(|c| c.district_id == "south"));

    let unknown = vec![
        Decision {
            source_case_id: "c-1".into(),
            choice: Choice::Take(CaseLink::Sis { student_id: "s-404".into() }, Default::default()),
        },
        Decision { source_case_id: "c-2".into(), choice: Choice::Take(CaseLink::TransferInfo, Default::default()) },
    ];
    assert!(
        matches!(plan_accept(&t, &south, &unknown, &[student], 0, now()), Err(Error::StudentNotFound(ids)) if ids == ["s-404"])
    );
}

/// strum spells every enum for queries and conditions, serde for JSON: they must agree.
#[test]
fn every_enum_is_spelled_the_same_in_json_and_in_queries() {
    use strum::IntoEnumIterator;
    fn same<T: IntoEnumIterator + serde::Serialize + Into<&'static str> + Copy + std::fmt::Debug>() {
        for v in T::iter() {
            let word: &'static str = v.into();
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(word), "{v:?}");
        }
    }
    same::<TransferStatus>();
    same::<CaseStatus>();
    same::<EventType>();
    same::<EntryType>();
    same::<Permission>();
    same::<Direction>();
    assert_eq!("transferred_out".parse::<CaseStatus>().ok(), Some(CaseStatus::TransferredOut));
}
