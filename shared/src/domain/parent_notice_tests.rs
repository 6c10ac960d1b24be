//! Which parent-notice tasks a change makes, as a table: the change, the two districts' settings.

use super::disclosure::AccessKind;
use super::parent_notice::*;
use super::transfer_tests::{now, transfer};
use super::*;

fn snapshot(id: &str, number: &str, first: &str) -> SnapshotHeader {
    serde_json::from_value(serde_json::json!({
        "sourceCaseId": id, "caseNumber": number, "personOfConcern": {"firstName": first, "lastName": "Doe"},
        "building": "B", "teamName": "T", "teamLeader": "L", "caseManager": "M", "status": "open",
        "openedAt": "2026-09-01T00:00:00Z", "history": [{"districtId": "north", "caseId": id, "entries": 3}],
    }))
    .unwrap()
}

fn two_cases() -> TransferRequest {
    let mut t = transfer(TransferStatus::Pending, &AuthCode::generate());
    t.cases = vec![snapshot("c-1", "2026-0001", "Jo"), snapshot("c-2", "2026-0002", "Al")];
    t.created_cases =
        vec![CreatedCase { source_case_id: "c-2".into(), case_id: "c-new".into(), case_number: "2026-0100".into() }];
    t
}

fn settings(covers: bool, on_receive: bool) -> NoticeSettings {
    NoticeSettings { annual_notice_covers_transfers: covers, parent_notice_on_receive: on_receive }
}

#[test]
fn tasks_follow_the_change_and_each_sides_own_setting() {
    // (revealed, accepted, source covers, destination tells on receive) -> (disclosed, received)
    let table = [
        (true, false, true, true, 0, 0),
        (true, false, false, true, 2, 0),
        (false, true, false, true, 0, 1),
        (true, true, false, true, 2, 1),
        (true, true, true, false, 0, 0),
        (false, true, false, false, 0, 0),
        (false, false, false, true, 0, 0),
    ];
    let t = two_cases();
    for (revealed, accepted, covers, on_receive, disclosed, received) in table {
        // Each side reads only its own switch: the other's is set the opposite way.
        let tasks =
            tasks_for(&t, revealed, accepted, settings(covers, !on_receive), settings(!covers, on_receive), now());
        let count = |side| tasks.iter().filter(|n| n.side == side).count();
        let row = (revealed, accepted, covers, on_receive);
        assert_eq!((count(NoticeSide::Disclosed), count(NoticeSide::Received)), (disclosed, received), "{row:?}");
        for n in &tasks {
            let (district, other) = match n.side {
                NoticeSide::Disclosed => ("north", "south"),
                NoticeSide::Received => ("south", "north"),
            };
            assert_eq!((n.district_id.as_str(), n.other_district.id.as_str()), (district, other), "{row:?}");
            assert_eq!(n.status, NoticeStatus::Open);
        }
    }
    let both = tasks_for(&t, true, true, settings(false, false), settings(true, true), now());
    let received = both.iter().find(|n| n.side == NoticeSide::Received).unwrap();
    assert_eq!((received.case_id.as_str(), received.case_number.as_str()), ("c-new", "2026-0100"));
    assert_eq!(received.person_of_concern.first_name, "Al");
    // The same change told twice names the same tasks.
    let again = tasks_for(&t, true, true, settings(false, false), settings(true, true), now());
    assert_eq!(both.iter().map(|n| &n.id).collect::<Vec<_>>(), again.iter().map(|n| &n.id).collect::<Vec<_>>());
}

#[test]
fn only_an_open_task_closes_and_what_is_typed_is_checked() {
    let t = two_cases();
    let task = tasks_for(&t, true, false, settings(false, false), settings(true, false), now()).remove(0);
    let by = UserRef { id: "u-1".into(), name: "Ann".into() };
    let today = now().0.date_naive();
    let notified = Closing::Notified { method: NoticeMethod::Phone, notified_on: today, note: Some(" ".into()) };
    assert!(notified.problems(today).is_empty());
    let done = task.closed(notified, by.clone(), now()).unwrap();
    assert_eq!((done.status, done.note.clone()), (NoticeStatus::Done, None));
    let again = Closing::NotRequired { reason: "adult student".into() };
    assert!(matches!(done.closed(again, by, now()), Err(crate::error::Error::NoticeNotOpen(NoticeStatus::Done))));
    let later = Closing::Notified { method: NoticeMethod::Mail, notified_on: today.succ_opt().unwrap(), note: None };
    assert_eq!(later.problems(today)[0].field, "notifiedOn");
    for blank in ["", "  \n"] {
        assert_eq!(Closing::NotRequired { reason: blank.into() }.problems(today)[0].field, "reason");
    }
}

#[test]
fn a_first_reveal_records_each_case_once_and_a_fulfilling_send_the_request() {
    let mut t = two_cases();
    let by = UserRef { id: "u-sue".into(), name: "Sue".into() };
    let rows = t.disclosure_rows(&by, now());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].record.kind, AccessKind::Disclosure);
    assert_eq!((rows[0].record.entry_count, rows[0].record.revealed_to.as_ref()), (3, Some(&by)));
    assert_eq!(rows[1].record.case_number, "2026-0002");
    assert!(t.request_rows(now()).is_empty(), "no records request: no request row");
    t.record_request_id = Some("rr-1".into());
    let requests = t.request_rows(now());
    assert_eq!(requests.len(), 2);
    assert_eq!((requests[0].record.kind, requests[0].record.revealed_to.clone()), (AccessKind::Request, None));
    t.revealed = true;
    assert!(t.disclosure_rows(&by, now()).is_empty(), "revealed before: nothing more to record");
}
