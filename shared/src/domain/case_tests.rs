//! The case's own rules: holds, counts, history parts, summaries.
use super::*;
use chrono::{Duration, TimeZone, Utc};

fn case() -> Case {
    Case {
        id: CaseId::parse("c-1").unwrap(),
        district_id: DistrictId::parse("d-1").unwrap(),
        header: CaseHeader {
            case_number: "2026-0001".into(),
            person_of_concern: PersonOfConcern {
                first_name: "Jordan".into(),
                last_name: "Reyes".into(),
                date_of_birth: None,
                grade: None,
                student_id: None,
                sis_id: None,
            },
            building: "Lincoln Middle".into(),
            team_name: "Lincoln BTAM".into(),
            team_leader: "Dana Ortiz".into(),
            case_manager: "Sam Lee".into(),
            status: CaseStatus::Open,
            risk_level: None,
            opened_at: Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap().into(),
        },
        pending_transfer: None,
        transferred_to: None,
        provenance: None,
        disclosures: vec![],
        own_entries: 0,
        inherited_history: vec![],
    }
}

#[test]
fn a_pending_case_is_free_again_once_its_transfer_expires() {
    let now: Timestamp = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap().into();
    let mut c = case();
    assert!(c.is_transferable(now));
    let t = TransferId::parse("t-1").unwrap();
    c.pending_transfer = Some(PendingTransfer { transfer_id: t.clone(), until: now + Duration::days(1) });
    assert!(!c.is_transferable(now));
    assert_eq!(c.summary(now).pending_transfer_id, Some(t));
    assert!(c.is_transferable(now + Duration::days(1)));
}

#[test]
fn a_transferred_out_case_is_never_transferable() {
    let mut c = case();
    c.header.status = CaseStatus::TransferredOut;
    assert!(!c.is_transferable(Timestamp::now()));
}

#[test]
fn a_send_freezes_the_history_by_reference_up_to_its_moment() {
    let now: Timestamp = Utc.with_ymd_and_hms(2026, 10, 1, 0, 0, 0).unwrap().into();
    let mut c = case();
    c.own_entries = 3;
    c.inherited_history = vec![HistorySegment {
        district_id: DistrictId::parse("d-0").unwrap(),
        case_id: CaseId::parse("c-0").unwrap(),
        upto: Some(now - Duration::days(30)),
        entries: 2,
        disclosures: vec![],
    }];
    let frozen = SnapshotHeader::freeze(&c, now);
    assert_eq!((frozen.entry_count(), c.entry_count()), (5, 5));
    assert_eq!(frozen.history.len(), 2);
    assert_eq!(frozen.history[0], c.inherited_history[0]);
    let own = &frozen.history[1];
    assert_eq!((own.district_id.as_str(), own.case_id.as_str(), own.upto, own.entries), ("d-1", "c-1", Some(now), 3));
    assert_eq!(c.history(None)[1].upto, None);
}

#[test]
fn search_words_cover_the_six_fields_folded() {
    let words = Case::search_words(&case().header);
    for word in ["2026-0001", "jordan", "reyes", "lincoln", "middle", "btam", "dana", "ortiz", "sam", "lee"] {
        assert!(words.iter().any(|w| w == word), "{word}: {words:?}");
    }
}
