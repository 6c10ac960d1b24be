//! Email against moto's SES v2: who is told what, that no email carries a code or a student's details,
//! and that an SES outage loses nothing and sends nothing twice.

use e2e::fixture::SOUTH;
use e2e::moto::{Moto, FROM};
use e2e::{sdk, spawn_app_with, TestApp};
use shared::mail::{ses::SesMailer, Mailer};
use shared::store::notifications::MailStatus;
use std::collections::BTreeSet;

fn set(addresses: &[&str]) -> BTreeSet<String> {
    addresses.iter().map(|a| a.to_string()).collect()
}

async fn app_with_moto() -> (TestApp, Moto) {
    let moto = Moto::start().await;
    let app = spawn_app_with(moto.mailer().await, e2e::fixture::standard()).await;
    (app, moto)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_event_emails_exactly_the_right_people() {
    let (app, moto) = app_with_moto().await;
    let north_managers = ["ann@north.example", "nia@north.example"];
    let south = ["sue@south.example", "sid@south.example", "btam@south.example"];

    let (id, code) = app.sent("u-ann", &["c-n1", "c-n2"], SOUTH).await;
    assert_eq!(moto.recipients("pending transfer out").await, set(&north_managers), "Ned only views cases");
    assert_eq!(moto.recipients("sent you a case transfer request").await, set(&south));

    let (rejected, _) = app.sent("u-nia", &["c-n3"], SOUTH).await;
    app.reject("u-sue", &rejected, Some("Not enrolled")).await;
    assert_eq!(moto.recipients("rejected your transfer").await, set(&north_managers));

    let (cancelled, _) = app.sent("u-ann", &["c-n4"], SOUTH).await;
    app.cancel("u-ann", &cancelled, None).await;
    assert_eq!(
        moto.recipients("cancelled a transfer").await,
        set(&["sue@south.example", "sid@south.example", "ann@north.example"]),
        "the other side's managers and the sender; not the district address"
    );

    let (locked, _) = app.sent("u-ann", &["c-n5"], SOUTH).await;
    for _ in 0..5 {
        app.verify("u-sue", &locked, "WRONG-WRONG").await;
    }
    assert_eq!(moto.recipients("locked after failed code attempts").await, set(&north_managers));

    app.accept_all("u-sue", &id, &code, &["c-n1", "c-n2"]).await;
    assert_eq!(moto.recipients("accepted your transfer").await, set(&north_managers));

    // Every email is plain text and HTML, names districts and counts, and links into the portal.
    let all = moto.sent().await;
    assert!(!all.is_empty());
    for (_, subject, body) in &all {
        assert!(body.contains("https://portal.example/transfers/"), "{subject}: {body}");
        assert!(body.contains("<a href="), "{subject}: html part");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_email_carries_the_code_a_student_or_case_contents() {
    let (app, moto) = app_with_moto().await;
    let (id, code) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    app.verify("u-sue", &id, "WRONG-WRONG").await;
    let fresh = app.post("u-ann", &format!("/v1/transfers/{id}/code"), serde_json::json!({})).await;
    let fresh = fresh.body["authCode"].as_str().unwrap().to_owned();
    app.accept_all("u-sue", &id, &fresh, &["c-n1"]).await;
    let (rejected, _) = app.sent("u-ann", &["c-n2"], SOUTH).await;
    app.reject("u-sue", &rejected, Some("Jordan Student1 never enrolled")).await;
    let all = moto.sent().await;
    assert!(all.len() >= 8, "{} emails", all.len());
    let forbidden = [
        code.as_str(),
        &code.replace('-', ""),
        fresh.as_str(),
        &fresh.replace('-', ""),
        "Jordan",
        "Student1",
        "Student2",
        "2011-03-14",
        "Entry 1 of case",
        "2026-0001",
        "Lincoln",
    ];
    for (_, subject, body) in &all {
        for f in forbidden {
            assert!(!subject.contains(f) && !body.contains(f), "{f:?} in {subject}: {body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ses_outage_loses_nothing_and_sends_each_email_once() {
    let moto = Moto::start().await;
    // SES is unreachable when the transfer is sent.
    let dead = SesMailer::from_sdk(&sdk("http://127.0.0.1:9").await, FROM, None);
    let app = spawn_app_with(Mailer::Ses(dead), e2e::fixture::standard()).await;
    let (id, _) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    assert_eq!(app.transfer("u-sue", &id).await.body["status"], "pending", "the transfer succeeded");
    // The in-app notice does not wait for SES.
    assert_eq!(app.get("u-nia", "/v1/notifications").await.body["unreadCount"], 1);

    let outbox = app.app.store.outbox_due(10).await.unwrap();
    assert!(outbox.is_empty(), "fanned out at once: {outbox:?}");
    let now = app.app.clock.now();
    let waiting = app.app.store.mail_due(now + chrono::Duration::days(1), 100).await.unwrap();
    assert_eq!(waiting.len(), 5, "two senders' managers and three destination addresses: {waiting:?}");
    assert!(waiting.iter().all(|m| m.status == MailStatus::Pending && m.attempts == 1));

    // SES is back: the scheduled deliverer (two of them at once) sends each email exactly once.
    let mut deliverer = app.app.clone();
    deliverer.mailer = moto.mailer().await;
    deliverer.clock.advance(chrono::Duration::minutes(5));
    let (a, b) = tokio::join!(shared::ops::notify::run_due(&deliverer), shared::ops::notify::run_due(&deliverer));
    assert_eq!(a.unwrap().sent + b.unwrap().sent, 5);
    let again = shared::ops::notify::run_due(&deliverer).await.unwrap();
    assert_eq!(again.sent, 0);
    let sent = moto.sent().await;
    assert_eq!(sent.len(), 5, "{sent:#?}");
    let to: Vec<String> = sent.iter().flat_map(|(t, _, _)| t.iter().cloned()).collect();
    let unique: BTreeSet<&String> = to.iter().collect();
    assert_eq!(unique.len(), to.len(), "nobody got the same email twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_that_never_goes_through_is_marked_failed_and_stays_visible() {
    let dead = SesMailer::from_sdk(&sdk("http://127.0.0.1:9").await, FROM, None);
    let app = spawn_app_with(Mailer::Ses(dead), e2e::fixture::standard()).await;
    let (_, _) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    // The test config allows 4 attempts with a 1 s base backoff: three more runs, a day apart.
    for _ in 0..3 {
        app.app.clock.advance(chrono::Duration::days(1));
        shared::ops::notify::run_due(&app.app).await.unwrap();
    }
    app.app.clock.advance(chrono::Duration::days(1));
    let run = shared::ops::notify::run_due(&app.app).await.unwrap();
    assert_eq!(run.sent + run.retrying + run.failed, 0, "nothing is due any more: {run:?}");
    let mails = app.app.store.failed_mail(100).await.unwrap();
    assert_eq!(mails.len(), 5);
    assert!(mails.iter().all(|m| m.status == MailStatus::Failed && m.attempts == 4), "{mails:#?}");
    assert!(mails.iter().all(|m| m.last_error.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_frees_the_cases_and_tells_both_sides() {
    let (app, moto) = app_with_moto().await;
    let (id, _) = app.sent("u-ann", &["c-n1"], SOUTH).await;
    app.app.clock.advance(chrono::Duration::days(30) + chrono::Duration::minutes(1));
    assert_eq!(shared::ops::expire::sweep(&app.app).await.unwrap(), 1);
    // The sweeper committed the expiry and its outbox message; the stream tells people.
    app.deliver().await.unwrap();
    assert_eq!(app.transfer("u-ann", &id).await.body["status"], "expired");
    assert!(app.case("u-ann", "c-n1").await.body.get("pendingTransferId").is_none());
    assert_eq!(
        moto.recipients("expired").await,
        set(&["ann@north.example", "nia@north.example", "sue@south.example", "sid@south.example"]),
        "both sides' managers (the sender among them); district addresses hear of new requests only"
    );
    let notes = app.get("u-sue", "/v1/notifications").await;
    assert_eq!(notes.body["items"][0]["type"], "expired");
}
