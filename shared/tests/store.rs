//! The store against a real DynamoDB API: a fresh in-memory Dynoxide per test, reached over HTTP by
//! the real aws-sdk-dynamodb client. Every conditional failure a request can meet, pagination, chunking.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Duration;
use serde_json::json;
use shared::domain::notification::OutboxMessage;
use shared::domain::*;
use shared::store::directory::Directory;
use shared::store::history::Order;
use shared::store::notifications::{Mail, MailStatus};
use shared::store::transfers::TransferFilter;
use shared::store::transfers::{Acceptance, Ending, NewTransfer, SendFailure};
use shared::store::{ActingUser, Attempt, CursorKey, Store, TxFailure};
use std::sync::LazyLock;

fn d(id: &str) -> DistrictId {
    id.parse().unwrap()
}

fn cid(id: impl AsRef<str>) -> CaseId {
    id.as_ref().parse().unwrap()
}

fn u(id: &str) -> UserId {
    id.parse().unwrap()
}

static D_A: LazyLock<DistrictId> = LazyLock::new(|| d("d-a"));
static D_B: LazyLock<DistrictId> = LazyLock::new(|| d("d-b"));
static U_A: LazyLock<UserId> = LazyLock::new(|| u("u-a"));
static U_B: LazyLock<UserId> = LazyLock::new(|| u("u-b"));
static U_V: LazyLock<UserId> = LazyLock::new(|| u("u-v"));

fn as_ann() -> ActingUser<'static> {
    ActingUser { district: &D_A, user: &U_A }
}

fn as_bea() -> ActingUser<'static> {
    ActingUser { district: &D_B, user: &U_B }
}

async fn store() -> Store {
    let store = Store::new(test_support::dynamodb_client().await, "store-test", CursorKey(SecretKey::new("k")));
    assert!(shared::store::table::create_table(store.client(), store.table_name()).await.unwrap());
    assert!(!shared::store::table::create_table(store.client(), store.table_name()).await.unwrap(), "idempotent");
    let cases: Vec<_> = (1..=30)
        .map(|i| {
            json!({"id": format!("c-{i}"), "districtId": "d-a", "caseNumber": format!("2026-{i:04}"),
                   "personOfConcern": {"firstName": "P", "lastName": format!("L{i}")}, "building": "B",
                   "teamName": "T", "teamLeader": "TL", "caseManager": "CM", "status": "open",
                   "openedAt": "2026-09-01T00:00:00Z", "entries": []})
        })
        .collect();
    let file = json!({
        "districts": [{"id": "d-a", "name": "A", "transfersEnabled": true}, {"id": "d-b", "name": "B", "transfersEnabled": true}],
        "users": [
            {"id": "u-a", "districtId": "d-a", "name": "Ann", "email": "a@a.example", "permissions": ["manage_cases"]},
            {"id": "u-v", "districtId": "d-a", "name": "Vic", "email": "v@a.example", "permissions": ["view_cases"]},
            {"id": "u-b", "districtId": "d-b", "name": "Bea", "email": "b@b.example", "permissions": ["manage_cases"]}
        ],
        "cases": cases
    });
    store.import(&import::parse(&file.to_string()).unwrap()).await.unwrap();
    store
}

fn now() -> Timestamp {
    Timestamp::now()
}

fn actor(district: &str, user: &str) -> EventActor {
    EventActor { id: user.into(), name: user.into(), district_id: district.into() }
}

fn event(kind: EventType) -> AuditEvent {
    AuditEvent { at: now(), kind, actor: actor("d-a", "u-a"), detail: None }
}

fn outbox(t: &TransferRequest, kind: EventType) -> OutboxMessage {
    OutboxMessage {
        id: OutboxId::generate(),
        event: kind,
        transfer_id: t.id.clone(),
        at: now(),
        actor: actor("d-a", "u-a"),
        revealed: false,
    }
}

/// Imports `n` more entries of 300 characters into each of `cases` (of district A), the `k`-th
/// with id `{case}-e{k}` and text `text(k)`; returns what was imported, case by case.
async fn add_entries(
    store: &Store,
    cases: &[&str],
    range: std::ops::Range<usize>,
    text: impl Fn(usize) -> String,
) -> Vec<Vec<Entry>> {
    let mut imported = Vec::new();
    let mut file_cases = Vec::new();
    for id in cases {
        let c = store.case(&d("d-a"), &cid(id)).await.unwrap().unwrap();
        let entries: Vec<Entry> = range
            .clone()
            .map(|i| Entry {
                id: EntryId::parse(&format!("{id}-e{i}")).unwrap(),
                at: c.header.opened_at + Duration::minutes(i as i64),
                kind: EntryType::Note,
                author: "CM".into(),
                text: text(i),
            })
            .collect();
        let mut case = serde_json::to_value(&c.header).unwrap();
        case["id"] = json!(id);
        case["districtId"] = json!("d-a");
        case["entries"] = serde_json::to_value(&entries).unwrap();
        file_cases.push(case);
        imported.push(entries);
    }
    let file = json!({"districts": [{"id": "d-a", "name": "A", "transfersEnabled": true}], "cases": file_cases});
    store.import(&import::parse(&file.to_string()).unwrap()).await.unwrap();
    imported
}

/// A pending request from A to B for `cases`, each first given `entries` entries of 300 characters.
async fn transfer(store: &Store, cases: &[&str], entries: usize) -> (TransferRequest, Vec<Vec<Entry>>) {
    let imported = if entries > 0 {
        add_entries(store, cases, 0..entries, |_| "x".repeat(300)).await
    } else {
        vec![vec![]; cases.len()]
    };
    let mut heads = Vec::new();
    for id in cases {
        let c = store.case(&d("d-a"), &cid(id)).await.unwrap().unwrap();
        heads.push(SnapshotHeader::freeze(&c, now()));
    }
    let t = TransferRequest {
        id: TransferId::generate(),
        status: TransferStatus::Pending,
        source: DistrictRef { id: d("d-a"), name: "A".into() },
        destination: DistrictRef { id: d("d-b"), name: "B".into() },
        cases: heads,
        notes: None,
        created_at: now(),
        created_by: UserRef { id: u("u-a"), name: "Ann".into() },
        sender_contact: Contact::default(),
        expires_at: now() + Duration::days(30),
        decided_at: None,
        decided_by: None,
        reason: None,
        failed_attempts: 0,
        code: SecretKey::new("k").hash(&AuthCode::generate()),
        code_version: 0,
        revealed: false,
        created_cases: vec![],
        record_request_id: None,
    };
    (t, imported)
}

async fn create(store: &Store, t: &TransferRequest, key: Option<&str>) -> Result<(), SendFailure> {
    let (e, o) = (event(EventType::Created), outbox(t, EventType::Created));
    let new = NewTransfer { transfer: t, event: &e, outbox: &o, idempotency: key, fulfils: None, now: now() };
    store.create_transfer(new).await
}

/// Every page of a history, and the size of the largest.
async fn all_pages<F, Fut>(page: F) -> (Vec<Entry>, usize)
where
    F: Fn(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<shared::store::Page<Entry>, shared::Error>>,
{
    let (mut all, mut largest, mut cursor) = (Vec::new(), 0, None);
    loop {
        let p = page(cursor.take()).await.unwrap();
        largest = largest.max(serde_json::to_vec(&p).unwrap().len());
        all.extend(p.items);
        match p.next_cursor {
            Some(c) => cursor = Some(c),
            None => return (all, largest),
        }
    }
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_is_held_by_one_pending_transfer_enforced_by_a_condition() {
    let store = store().await;
    let (t1, _) = transfer(&store, &["c-1", "c-2"], 2).await;
    create(&store, &t1, None).await.unwrap();
    let (t2, _) = transfer(&store, &["c-3", "c-2"], 2).await;
    match create(&store, &t2, None).await {
        Err(SendFailure::Refused(shared::Error::CaseNotTransferable(ids))) => assert_eq!(ids, vec![cid("c-2")]),
        other => panic!("{other:?}"),
    }
    // Nothing of the refused request was committed: c-3 is free, t2 has no item at all.
    assert!(store.case(&d("d-a"), &cid("c-3")).await.unwrap().unwrap().pending_transfer.is_none());
    assert!(store.transfer(&t2.id).await.unwrap().is_none());
    let left = store
        .client()
        .query()
        .table_name(store.table_name())
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", s(&format!("TRANSFER#{}", t2.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(left.count, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_send_transaction_rechecks_permission_and_both_settings() {
    let store = store().await;
    let (mut t, _) = transfer(&store, &["c-1"], 1).await;
    t.created_by.id = u("u-v");
    assert!(matches!(create(&store, &t, None).await, Err(SendFailure::Refused(shared::Error::Forbidden))));
    let (t, _) = transfer(&store, &["c-1"], 1).await;
    switch_off(&store, "d-b", "u-b").await;
    let refused = create(&store, &t, None).await;
    assert!(matches!(refused, Err(SendFailure::Refused(shared::Error::DestinationUnavailable))));
    let a = d("d-a");
    let on = || store.directory(Directory::TransfersOn, &a, None, 100, None);
    assert!(on().await.unwrap().items.iter().all(|d| d.id != "d-b"), "left the directory");
    let setting = switch(&store, "d-b", "u-b", true).await.setting();
    assert_eq!(setting.updated_by, Some(u("u-b")));
    assert!(on().await.unwrap().items.iter().any(|d| d.id == "d-b"));
    switch_off(&store, "d-a", "u-a").await;
    assert!(matches!(create(&store, &t, None).await, Err(SendFailure::Refused(shared::Error::TransfersDisabled))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idempotency_key_is_claimed_by_one_send_and_committed_with_it() {
    use shared::store::transfers::KeyClaim;
    let store = store().await;
    let (t, _) = transfer(&store, &["c-1"], 1).await;
    let claim = |hash: &'static str, id: TransferId, at: Timestamp| {
        let store = store.clone();
        async move { store.claim_idempotency_key(&D_A, "k-1", hash, &id, at).await.unwrap() }
    };
    assert!(matches!(claim("hash", t.id.clone(), now()).await, KeyClaim::Claimed));
    // While the first send runs: the same request is told to wait, another request that the key is taken.
    assert!(matches!(claim("hash", TransferId::generate(), now()).await, KeyClaim::InProgress));
    assert!(matches!(claim("other", TransferId::generate(), now()).await, KeyClaim::Reused));
    // Keys are per district.
    assert!(matches!(store.claim_idempotency_key(&D_B, "k-1", "hash", &t.id, now()).await.unwrap(), KeyClaim::Claimed));
    create(&store, &t, Some("k-1")).await.unwrap();
    match claim("hash", TransferId::generate(), now()).await {
        KeyClaim::Committed(record) => assert_eq!(record.transfer_id, t.id),
        other => panic!("{other:?}"),
    }
    // A send whose claim was taken over commits nothing.
    let (t2, _) = transfer(&store, &["c-2"], 1).await;
    assert!(matches!(create(&store, &t2, Some("k-1")).await, Err(SendFailure::KeyUsed)));
    assert!(store.transfer(&t2.id).await.unwrap().is_none());
    // A claim whose send died is free again after a minute; a day later the key is free for anything.
    let (t3, _) = transfer(&store, &["c-3"], 1).await;
    assert!(matches!(claim("x", t3.id.clone(), now()).await, KeyClaim::Reused));
    let k2 = |hash: &'static str, at: Timestamp| {
        let store = store.clone();
        async move { store.claim_idempotency_key(&D_A, "k-2", hash, &TransferId::generate(), at).await.unwrap() }
    };
    assert!(matches!(k2("h", now()).await, KeyClaim::Claimed));
    assert!(matches!(k2("h", now() + Duration::seconds(61)).await, KeyClaim::Claimed));
    assert!(matches!(claim("x", t3.id.clone(), now() + Duration::hours(25)).await, KeyClaim::Claimed));
    // A refused send lets go of its claim.
    store.release_idempotency_key(&D_A, "k-1", &t3.id).await.unwrap();
    assert!(matches!(claim("y", TransferId::generate(), now() + Duration::hours(25)).await, KeyClaim::Claimed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_freezes_history_by_reference_and_later_imports_do_not_change_it() {
    let store = store().await;
    // 3,000 entries of ~300 characters: about a megabyte of history for each of two cases.
    let (t, imported) = transfer(&store, &["c-1", "c-2"], 3_000).await;
    create(&store, &t, None).await.unwrap();
    assert_eq!(t.cases[0].entry_count(), 3_000);
    // Nothing was copied: the request's partition holds its item and its event, whatever the history.
    let partition = store
        .client()
        .query()
        .table_name(store.table_name())
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", s(&format!("TRANSFER#{}", t.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(partition.count, 2);
    let frozen = |i: usize| {
        let (store, t) = (store.clone(), t.clone());
        move |cursor: Option<String>| {
            let (store, t) = (store.clone(), t.clone());
            async move { store.snapshot_page(&t.id, &t.cases[i], Order::Asc, 500, cursor.as_deref()).await }
        }
    };
    let (back, largest) = all_pages(frozen(0)).await;
    assert_eq!(back, imported[0]);
    assert!(largest <= 1024 * 1024, "{largest} bytes");
    // After the send the wider product exports the case again: one entry reworded, one added. The
    // stored entry is never rewritten, the new one is the case's but not the snapshot's.
    add_entries(&store, &["c-1"], 0..1, |_| "reworded".into()).await;
    add_entries(&store, &["c-1"], 5_000..5_001, |_| "added after the send".into()).await;
    assert_eq!(all_pages(frozen(0)).await.0, imported[0], "the snapshot is what was sent");
    let case = store.case(&d("d-a"), &cid("c-1")).await.unwrap().unwrap();
    assert_eq!(case.own_entries, 3_001);
    let (own, _) = all_pages(|cursor: Option<String>| {
        let (store, case) = (store.clone(), case.clone());
        async move { store.case_entries(&case, Order::Asc, 500, cursor.as_deref()).await }
    })
    .await;
    assert_eq!(own.len(), 3_001);
    assert_eq!(own[0].text, "x".repeat(300), "entries are written once");
    assert_eq!(own[3_000].text, "added after the send");
    assert_eq!(all_pages(frozen(1)).await.0.len(), 3_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_attempts_and_codes_lose_to_what_was_written_first() {
    let store = store().await;
    let (t, _) = transfer(&store, &["c-1"], 1).await;
    create(&store, &t, None).await.unwrap();
    store.record_attempt(&t, as_bea(), Attempt::Wrong, &event(EventType::CodeFailed), None, now()).await.unwrap();
    // The same attempt count again (a concurrent wrong guess) is refused; the caller re-reads.
    let again = store.record_attempt(&t, as_bea(), Attempt::Wrong, &event(EventType::CodeFailed), None, now()).await;
    assert!(matches!(again, Err(TxFailure::Conditions(_))));
    let fresh = store.transfer(&t.id).await.unwrap().unwrap();
    assert_eq!(fresh.failed_attempts, 1);
    let hash = SecretKey::new("k").hash(&AuthCode::generate());
    store.regenerate_code(&fresh, as_ann(), &hash, &event(EventType::CodeRegenerated), now()).await.unwrap();
    // An attempt checked against the old code cannot land on the new one.
    let stale = store.record_attempt(&fresh, as_bea(), Attempt::Right, &event(EventType::Verified), None, now()).await;
    assert!(matches!(stale, Err(TxFailure::Conditions(_))));
    let after = store.transfer(&t.id).await.unwrap().unwrap();
    assert_eq!((after.failed_attempts, after.code_version, after.revealed), (0, 1, false));
    // A user without Manage Cases cannot record anything, whatever they read before.
    let vic = ActingUser { district: &D_A, user: &U_V };
    let refused = store.regenerate_code(&after, vic, &hash, &event(EventType::CodeRegenerated), now()).await;
    assert!(matches!(refused, Err(TxFailure::Other(shared::Error::Forbidden))));
}

fn acceptance<'a>(
    t: &'a TransferRequest,
    decided: &'a TransferRequest,
    destination: &'a shared::store::districts::DistrictRecord,
    by: &'a UserRef,
    new_cases: &'a [Case],
    event: &'a AuditEvent,
    outbox: &'a OutboxMessage,
) -> Acceptance<'a> {
    Acceptance {
        transfer: t,
        decided,
        acting: as_bea(),
        by,
        destination: destination.as_ref(),
        new_cases,
        returned: &[],
        disclosure: None,
        event,
        outbox,
        now: now(),
    }
}

fn transfer_info(t: &TransferRequest) -> Vec<Decision> {
    t.cases
        .iter()
        .map(|c| Decision {
            source_case_id: c.source_case_id.clone(),
            choice: Choice::Take(CaseLink::TransferInfo, Default::default()),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decided_request_cannot_be_decided_again() {
    let store = store().await;
    let (t, _) = transfer(&store, &["c-1", "c-2"], 1).await;
    create(&store, &t, None).await.unwrap();
    let by = UserRef { id: u("u-a"), name: "Ann".into() };
    let (e, o) = (event(EventType::Cancelled), outbox(&t, EventType::Cancelled));
    let end = |status| Ending { status, by: &by, reason: Some("r"), event: &e, outbox: &o, now: now() };
    store.end_transfer(&t, as_ann(), end(TransferStatus::Cancelled)).await.unwrap();
    let twice = store.end_transfer(&t, as_bea(), end(TransferStatus::Rejected)).await;
    assert!(matches!(twice, Err(TxFailure::Conditions(_))));
    let after = store.transfer(&t.id).await.unwrap().unwrap();
    assert_eq!(after.status, TransferStatus::Cancelled);
    assert_eq!(after.reason.as_deref(), Some("r"));
    for id in ["c-1", "c-2"] {
        assert!(store.case(&d("d-a"), &cid(id)).await.unwrap().unwrap().pending_transfer.is_none(), "{id} released");
    }
    // Accepting the cancelled request fails whole: no case created, no number taken.
    let d_b = store.district(&d("d-b")).await.unwrap().unwrap();
    let seq_before = store.case_sequence(&D_B).await.unwrap();
    let new_cases = plan_accept(&t, &d_b.district, &transfer_info(&t), &[], seq_before, now()).unwrap();
    let (e, o) = (event(EventType::Accepted), outbox(&t, EventType::Accepted));
    let bea = UserRef { id: u("u-b"), name: "Bea".into() };
    let decided = t.clone().accepted(bea.clone(), CreatedCase::all(&new_cases), &transfer_info(&t), now());
    let result = store.accept(acceptance(&t, &decided, &d_b, &bea, &new_cases, &e, &o)).await;
    assert!(matches!(result, Err(TxFailure::Conditions(_))));
    assert!(store.case(&d("d-b"), &cid(&new_cases[0].id)).await.unwrap().is_none());
    assert_eq!(store.case_sequence(&D_B).await.unwrap(), seq_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_numbers_come_from_ranges_reserved_once_and_never_shared() {
    let store = store().await;
    let (t, snaps) = transfer(&store, &["c-1"], 1).await;
    create(&store, &t, None).await.unwrap();
    let d_b = store.district(&d("d-b")).await.unwrap().unwrap();
    assert_eq!(store.case_sequence(&D_B).await.unwrap(), 0);
    // Twenty concurrent reservations of 3 numbers each: sixty numbers, none given twice.
    let ranges = futures::future::join_all((0..20).map(|_| store.reserve_case_numbers(&D_B, 3))).await;
    let mut starts: Vec<u64> = ranges.into_iter().map(Result::unwrap).collect();
    starts.sort();
    assert_eq!(starts, (0..20).map(|i| i * 3).collect::<Vec<_>>());
    // A district with transfers OFF reserves nothing.
    switch_off(&store, "d-a", "u-a").await;
    assert!(matches!(store.reserve_case_numbers(&D_A, 1).await, Err(shared::Error::TransfersDisabled)));

    let bea = UserRef { id: u("u-b"), name: "Bea".into() };
    let (e, o) = (event(EventType::Accepted), outbox(&t, EventType::Accepted));
    let after = store.reserve_case_numbers(&D_B, 1).await.unwrap();
    let fresh = plan_accept(&t, &d_b.district, &transfer_info(&t), &[], after, now()).unwrap();
    let disclosure = t.first_disclosure(bea.clone(), now()).unwrap();
    let decided = t.clone().accepted(bea.clone(), CreatedCase::all(&fresh), &transfer_info(&t), now());
    let mut accepting = acceptance(&t, &decided, &d_b, &bea, &fresh, &e, &o);
    accepting.disclosure = Some(&disclosure);
    store.accept(accepting).await.unwrap();
    let accepted = store.transfer(&t.id).await.unwrap().unwrap();
    assert_eq!(accepted.status, TransferStatus::Accepted);
    assert_eq!(accepted.created_cases[0].case_number, format!("{}-0061", now().0.format("%Y")));
    let source = store.case(&d("d-a"), &cid("c-1")).await.unwrap().unwrap();
    assert_eq!(source.header.status, CaseStatus::TransferredOut);
    assert_eq!(source.disclosures.len(), 1);
    // Accepting it again fails whole: the same case ids, the request no longer pending.
    let again = store.accept(acceptance(&t, &decided, &d_b, &bea, &fresh, &e, &o)).await;
    assert!(matches!(again, Err(TxFailure::Conditions(_))), "{again:?}");
    // The new case reads its history from the snapshot it came with: the source's entries as sent.
    let new_case = store.case(&d("d-b"), &cid(&fresh[0].id)).await.unwrap().unwrap();
    let (history, _) = all_pages(|cursor: Option<String>| {
        let (store, case) = (store.clone(), new_case.clone());
        async move { store.case_entries(&case, Order::Asc, 500, cursor.as_deref()).await }
    })
    .await;
    assert_eq!(history, snaps[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_newest_first_and_filter_by_the_status_users_see() {
    let store = store().await;
    let mut ids = Vec::new();
    for i in 1..=12 {
        let (mut t, _) = transfer(&store, &[&format!("c-{i}")], 0).await;
        t.created_at = now() - Duration::minutes(100 - i);
        if i % 4 == 0 {
            t.expires_at = now() - Duration::minutes(1);
        }
        create(&store, &t, None).await.unwrap();
        ids.push(t.id);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store
            .list_transfers(&d("d-a"), Side::Source, &TransferFilter::default(), 5, cursor.as_deref(), now())
            .await
            .unwrap();
        seen.extend(page.items.into_iter().map(|t| t.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, every one exactly once");
    let expired = store
        .list_transfers(
            &d("d-a"),
            Side::Source,
            &TransferFilter { status: Some(TransferStatus::Expired), other: None },
            100,
            None,
            now(),
        )
        .await;
    assert_eq!(expired.unwrap().items.len(), 3);
    let pending = store
        .list_transfers(
            &d("d-a"),
            Side::Source,
            &TransferFilter { status: Some(TransferStatus::Pending), other: None },
            100,
            None,
            now(),
        )
        .await;
    assert_eq!(pending.unwrap().items.len(), 9);
    let incoming =
        store.list_transfers(&d("d-b"), Side::Destination, &TransferFilter::default(), 100, None, now()).await.unwrap();
    assert_eq!(incoming.items.len(), 12);
    // A cursor of one list is refused by another.
    let page = store.list_transfers(&d("d-a"), Side::Source, &TransferFilter::default(), 5, None, now()).await.unwrap();
    let c = page.next_cursor.unwrap();
    assert!(store
        .list_transfers(&d("d-b"), Side::Destination, &TransferFilter::default(), 5, Some(&c), now())
        .await
        .is_err());
    assert!(store
        .list_transfers(
            &d("d-a"),
            Side::Source,
            &TransferFilter { status: Some(TransferStatus::Pending), other: None },
            5,
            Some(&c),
            now()
        )
        .await
        .is_err());
    // The sweeper's queue holds exactly the expired pending ones; expiring one twice is refused.
    let due = store.expired_pending(now(), 25).await.unwrap();
    assert_eq!(due.len(), 3);
    for t in &due {
        let (e, o) = (event(EventType::Expired), outbox(t, EventType::Expired));
        store.expire(t, &e, &o, now()).await.unwrap();
        assert!(matches!(store.expire(t, &e, &o, now()).await, Err(TxFailure::Conditions(_))));
    }
    assert!(store.expired_pending(now(), 25).await.unwrap().is_empty());
    assert!(store.case(&d("d-a"), &cid("c-4")).await.unwrap().unwrap().pending_transfer.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_one_deliverer_claims_a_mail() {
    let store = store().await;
    let mail = Mail {
        outbox_id: OutboxId::parse("ob-1").unwrap(),
        to: "a@a.example".into(),
        subject: "s".into(),
        text: "t".into(),
        html: "h".into(),
        status: MailStatus::Pending,
        attempts: 0,
        next_attempt_at: now() - Duration::seconds(1),
        sent_at: None,
        last_error: None,
    };
    assert_eq!(store.fan_out(&[], vec![mail.clone()]).await.unwrap().len(), 1);
    assert!(store.fan_out(&[], vec![mail.clone()]).await.unwrap().is_empty(), "never queued twice");
    let lease = now() + Duration::seconds(60);
    let (a, b) = tokio::join!(store.claim_mail(&mail, now(), lease), store.claim_mail(&mail, now(), lease));
    assert_eq!([a.unwrap(), b.unwrap()].iter().filter(|c| **c).count(), 1);
    assert!(store.mail_due(now(), 10).await.unwrap().is_empty(), "held by its lease");
    assert_eq!(store.mail_due(lease + Duration::seconds(1), 10).await.unwrap().len(), 1, "free again after it");
}

/// The district's transfers switched OFF by one of its Manage Cases users, as `PUT /v1/settings/transfers` does.
async fn switch_off(store: &Store, district: &str, user: &str) {
    switch(store, district, user, false).await;
}

async fn switch(store: &Store, district: &str, user: &str, on: bool) -> shared::store::districts::DistrictRecord {
    let record = store.district(&d(district)).await.unwrap().unwrap();
    let by = store.user(&d(district), &u(user)).await.unwrap().unwrap();
    let audit = shared::domain::district_audit::DistrictAuditEvent::of_district(
        now(),
        &d(district),
        by.as_ref(),
        "transfers.switched",
        serde_json::json!({"transfersEnabled": !on}),
        serde_json::json!({"transfersEnabled": on}),
    );
    store.set_transfers_enabled(&record, on, &by, now(), &audit).await.unwrap()
}
