//! Notifications off the request path (issue 17): a request commits its state change and its outbox
//! message and answers; the table's stream brings the message to the `deliver` handler, which tells
//! people. SES in trouble never slows a request; a bad record holds back nothing else; a record seen
//! twice tells nobody twice; DynamoDB stopped mid-batch loses nothing.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use e2e::fixture::{standard, SOUTH};
use e2e::ses_proxy::SesProxy;
use e2e::{spawn_app_with, spawn_app_with_faults, TestApp};
use portal::stream::{Start, StreamConsumer, Target};
use shared::mail::Mailer;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Polls until `done` holds; a bounded wait, not a timing: the test fails only if it never happens.
async fn eventually<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} never happened");
}

async fn unread(app: &TestApp, user: &str) -> u64 {
    app.get(user, "/v1/notifications").await.body["unreadCount"].as_u64().unwrap_or(0)
}

/// The app as `portal serve` runs it: nothing delivered by the test, the stream read in the background.
fn streaming(app: &TestApp) {
    app.auto_deliver.store(false, Ordering::SeqCst);
    app.stream.clone().spawn(Duration::from_millis(50));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_answers_without_ses_and_the_notices_arrive_after() {
    for (what, ses) in [("held", SesProxy::held().await), ("refusing", SesProxy::refusing().await)] {
        let app = spawn_app_with(ses.mailer().await, standard()).await;
        app.auto_deliver.store(false, Ordering::SeqCst);
        // Both requests answer while nothing has talked to SES (nothing reads the stream yet).
        let sent = app.send("u-ann", &["c-n1"], SOUTH).await;
        assert_eq!(sent.status, 201, "{what}");
        let (id, code) = (sent.body["transfer"]["id"].as_str().unwrap(), sent.body["authCode"].as_str().unwrap());
        assert_eq!(app.accept_all("u-sue", id, code, &["c-n1"]).await.status, 200, "{what}");
        assert_eq!(ses.connections(), 0, "{what}: the send and the accept answered before anyone talked to SES");
        // Then the stream is read, as `portal serve` reads it: the notices come, and SES is tried.
        app.stream.clone().spawn(Duration::from_millis(50));
        eventually("the send and the accept are told", || async { unread(&app, "u-nia").await == 2 }).await;
        eventually("SES is tried, after the requests", || async { ses.connections() > 0 }).await;
    }
    // With no SES at all (a closed port), the same.
    let closed = Mailer::Ses(shared::mail::ses::SesMailer::from_sdk(
        &e2e::sdk("http://127.0.0.1:9").await,
        e2e::moto::FROM,
        None,
    ));
    let app = spawn_app_with(closed, standard()).await;
    streaming(&app);
    assert_eq!(app.send("u-ann", &["c-n1"], SOUTH).await.status, 201);
    eventually("told with SES down", || async { unread(&app, "u-ann").await == 1 }).await;
}

/// The outbox messages waiting in the table, as the stream's records would carry them.
async fn outbox_records(app: &TestApp) -> Vec<EventRecord> {
    let messages = app.app.store.outbox_due(50).await.unwrap();
    messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut image: serde_dynamo::Item = serde_dynamo::to_item(m).unwrap();
            image.insert("pk".into(), serde_dynamo::AttributeValue::S(format!("OUTBOX#{}", m.id())));
            image.insert("sk".into(), serde_dynamo::AttributeValue::S("OUTBOX".into()));
            record(image, &format!("{:021}", i + 1))
        })
        .collect()
}

fn record(image: serde_dynamo::Item, seq: &str) -> EventRecord {
    let mut r = EventRecord::default();
    r.event_name = "INSERT".into();
    r.event_id = format!("ev-{seq}");
    let keys: BTreeMap<String, serde_dynamo::AttributeValue> =
        ["pk", "sk"].iter().filter_map(|k| image.get(*k).map(|v| (k.to_string(), v.clone()))).collect();
    r.change.keys = serde_dynamo::Item::from(keys.into_iter().collect::<std::collections::HashMap<_, _>>());
    r.change.new_image = image;
    r.change.sequence_number = Some(seq.into());
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poisoned_record_fails_alone_and_a_record_seen_twice_tells_nobody_twice() {
    let app = spawn_app_with(Mailer::local(), standard()).await;
    app.auto_deliver.store(false, Ordering::SeqCst);
    app.sent("u-ann", &["c-n1"], SOUTH).await;
    app.sent("u-nia", &["c-n2"], SOUTH).await;
    let mut records = outbox_records(&app).await;
    assert_eq!(records.len(), 2);
    // An outbox item the handler cannot read, between the two good ones.
    let mut poison = serde_dynamo::Item::from(std::collections::HashMap::<String, serde_dynamo::AttributeValue>::new());
    poison.insert("pk".into(), serde_dynamo::AttributeValue::S("OUTBOX#ob-poison".into()));
    poison.insert("sk".into(), serde_dynamo::AttributeValue::S("OUTBOX".into()));
    poison.insert("event".into(), serde_dynamo::AttributeValue::N("42".into()));
    records.insert(1, record(poison, "000000000000000000099"));
    let mut event = Event::default();
    event.records = records;

    let answer = shared::ops::deliver::on_stream(&app.app, event.clone()).await;
    let failed: Vec<_> = answer.batch_item_failures.iter().map(|f| f.item_identifier.clone().unwrap()).collect();
    assert_eq!(failed, ["000000000000000000099"], "only the poisoned record is reported");
    assert_eq!(unread(&app, "u-ann").await, 2, "both good messages were delivered");
    let mails = app.app.mailer.local_mail().len();
    assert_eq!(mails, 10, "two messages: two managers and three destination addresses each");

    // The same batch again, and the scheduled deliverer at the same moment: nothing twice.
    let note = app.get("u-ann", "/v1/notifications").await.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(app.post("u-ann", &format!("/v1/notifications/{note}/read"), serde_json::json!({})).await.status, 200);
    let (again, swept) =
        tokio::join!(shared::ops::deliver::on_stream(&app.app, event), shared::ops::notify::run_due(&app.app));
    assert_eq!(again.batch_item_failures.len(), 1);
    swept.unwrap();
    assert_eq!(unread(&app, "u-ann").await, 1, "a read notice stays read; none is added");
    assert_eq!(app.get("u-ann", "/v1/notifications").await.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(app.app.mailer.local_mail().len(), mails, "no email twice");
    // And the consumer reading the whole stream from the start, once more.
    app.deliver().await.unwrap();
    assert_eq!(app.app.mailer.local_mail().len(), mails);
    assert_eq!(unread(&app, "u-ann").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamodb_stopped_mid_batch_loses_nothing() {
    let (app, engine, _) = spawn_app_with_faults().await;
    app.auto_deliver.store(false, Ordering::SeqCst);
    for (user, case) in [("u-ann", "c-n1"), ("u-nia", "c-n2"), ("u-ann", "c-n3")] {
        app.sent(user, &[case], SOUTH).await;
    }
    // A deliverer whose writes fail after a few went through: the batch fails half-way.
    let sdk = e2e::sdk(&app.dynamodb_url).await;
    let failing = e2e::faults::FailingOperation::default();
    let db = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(failing.clone()).build(),
    );
    let mut deliverer = app.app.clone();
    deliverer.store = app.app.store.with_client(db);
    let streams = aws_sdk_dynamodbstreams::Client::new(&sdk);
    let consumer = StreamConsumer::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        streams,
        app.app.store.table_name(),
        Target::InProcess(Box::new(deliverer)),
        Start::TrimHorizon,
    );
    failing.fail_after("PutItem", 4);
    let pass = consumer.drain().await.unwrap();
    assert!(pass.failed > 0, "{pass:?}");
    // Then the engine stops: the stream cannot even be read.
    engine.stop();
    assert!(consumer.drain().await.is_err());
    engine.start();
    failing.heal();
    let pass = consumer.drain().await.unwrap();
    assert_eq!((pass.failed, pass.dead_lettered), (0, 0), "{pass:?}");

    // Every notice once. A mail that was created but not sent when the batch failed is held by its
    // lease; the scheduled deliverer sends it when the lease runs out: each address once per message.
    assert_eq!(unread(&app, "u-ann").await, 3);
    assert_eq!(unread(&app, "u-nia").await, 3);
    app.app.clock.advance(chrono::Duration::minutes(2));
    shared::ops::notify::run_due(&app.app).await.unwrap();
    let mut per_address: BTreeMap<String, usize> = BTreeMap::new();
    for m in app.app.mailer.local_mail() {
        *per_address.entry(m.to).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> =
        ["ann@north.example", "nia@north.example", "sue@south.example", "sid@south.example", "btam@south.example"]
            .into_iter()
            .map(|a| (a.to_owned(), 3))
            .collect();
    assert_eq!(per_address, expected);
    assert!(app.app.store.outbox_due(10).await.unwrap().is_empty(), "every message fanned out");
}
