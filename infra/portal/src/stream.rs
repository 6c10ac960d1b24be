//! The local stand-in for Lambda's event source mapping on the table's stream: reads each shard with
//! the DynamoDB Streams API (GetShardIterator, GetRecords), keeps what the mapping's filter keeps (new
//! outbox messages, `shared::ops::deliver::OUTBOX_FILTER`), hands each batch to the `deliver` handler
//! as the Lambda event it would get (in this process, or invoked in SAM's container), and moves its
//! checkpoint only past what was delivered: a failed record is retried from where it failed, never
//! skipped. After `MAX_ATTEMPTS` tries of one batch the failed records' keys go to the dead-letter
//! log, as the mapping sends them to its on-failure queue; their outbox messages stay queued for the
//! scheduled deliverer, so nothing is lost.

use aws_lambda_events::event::dynamodb::{Event, EventRecord, StreamRecord, StreamViewType};
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Mutex;

/// As `MaximumRetryAttempts` in `template.yaml`, plus the first try.
pub const MAX_ATTEMPTS: u32 = 6;
/// Records one GetRecords call reads; the mapping's `BatchSize` is applied after the filter.
const READ: i32 = 100;

/// Where batches go.
#[derive(Clone)]
pub enum Target {
    /// The handler in this process.
    InProcess(Box<shared::App>),
    /// The `deliver` function behind a Lambda Invoke API (`sam local start-lambda`).
    Lambda(Arc<str>),
}

/// Where a consumer without a checkpoint starts: the beginning (a fresh table), or now (a table whose
/// earlier messages the scheduled deliverer covers).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Start {
    TrimHorizon,
    Latest,
}

/// What one pass delivered.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub records: usize,
    pub delivered: usize,
    pub failed: usize,
    pub dead_lettered: usize,
}

pub struct StreamConsumer {
    db: aws_sdk_dynamodb::Client,
    streams: aws_sdk_dynamodbstreams::Client,
    table: String,
    target: Target,
    start: Start,
    dead_letters: Option<std::path::PathBuf>,
    /// One pass at a time; the shards' positions between passes.
    shards: Mutex<Shards>,
}

#[derive(Default)]
struct Shards {
    arn: Option<String>,
    at: HashMap<String, Position>,
}

#[derive(Default, Clone)]
struct Position {
    iterator: Option<String>,
    /// The first record of a batch that failed, and how often it has been tried.
    retrying: Option<(String, u32)>,
}

impl StreamConsumer {
    pub fn new(
        db: aws_sdk_dynamodb::Client,
        streams: aws_sdk_dynamodbstreams::Client,
        table: impl Into<String>,
        target: Target,
        start: Start,
    ) -> Self {
        StreamConsumer { db, streams, table: table.into(), target, start, dead_letters: None, shards: Mutex::default() }
    }

    /// Keys of records given up on are appended to this file (JSON lines).
    pub fn with_dead_letters(mut self, file: impl Into<std::path::PathBuf>) -> Self {
        self.dead_letters = Some(file.into());
        self
    }

    /// Reads every shard to its end once, delivering what it finds.
    pub async fn drain(&self) -> Result<Pass, String> {
        let mut shards = self.shards.lock().await;
        let arn = match &shards.arn {
            Some(arn) => arn.clone(),
            None => {
                let table = self.db.describe_table().table_name(&self.table).send().await.map_err(sdk)?;
                let arn = table.table.and_then(|t| t.latest_stream_arn).ok_or("the table has no stream")?;
                shards.arn = Some(arn.clone());
                arn
            }
        };
        let described = self.streams.describe_stream().stream_arn(&arn).send().await.map_err(sdk)?;
        let ids: Vec<String> = described
            .stream_description
            .map(|d| d.shards.unwrap_or_default().into_iter().filter_map(|s| s.shard_id).collect())
            .unwrap_or_default();
        let mut pass = Pass::default();
        for id in ids {
            let mut at = shards.at.get(&id).cloned().unwrap_or_default();
            let outcome = self.read_shard(&arn, &id, &mut at, &mut pass).await;
            shards.at.insert(id, at);
            outcome?;
        }
        Ok(pass)
    }

    async fn read_shard(&self, arn: &str, shard: &str, at: &mut Position, pass: &mut Pass) -> Result<(), String> {
        loop {
            let iterator = match &at.iterator {
                Some(i) => i.clone(),
                None => {
                    let kind = match self.start {
                        Start::TrimHorizon => ShardIteratorType::TrimHorizon,
                        Start::Latest => ShardIteratorType::Latest,
                    };
                    let got = self.streams.get_shard_iterator().stream_arn(arn).shard_id(shard);
                    let got = got.shard_iterator_type(kind).send().await.map_err(sdk)?;
                    got.shard_iterator.ok_or("no shard iterator")?
                }
            };
            at.iterator = Some(iterator.clone());
            let out = self.streams.get_records().shard_iterator(&iterator).limit(READ).send().await.map_err(sdk)?;
            if out.records().is_empty() {
                // Caught up; a closed shard (no next iterator) is done for good.
                at.iterator = out.next_shard_iterator().map(str::to_owned).or(at.iterator.take());
                return Ok(());
            }
            pass.records += out.records().len();
            let batch: Vec<EventRecord> = out
                .records()
                .iter()
                .filter_map(|r| lambda_record(r, arn))
                .filter(shared::ops::deliver::is_outbox_message)
                .collect();
            let failed = if batch.is_empty() { Vec::new() } else { self.deliver(&batch).await };
            let first_failed = out
                .records()
                .iter()
                .filter_map(|r| r.dynamodb()?.sequence_number())
                .find(|seq| failed.iter().any(|f| f == seq));
            match first_failed {
                None => {
                    pass.delivered += batch.len();
                    at.retrying = None;
                    match out.next_shard_iterator() {
                        Some(next) => at.iterator = Some(next.to_owned()),
                        None => return Ok(()),
                    }
                }
                Some(seq) => {
                    let tries = match &at.retrying {
                        Some((s, n)) if s == seq => n + 1,
                        _ => 1,
                    };
                    if tries >= MAX_ATTEMPTS {
                        pass.dead_lettered += failed.len();
                        self.dead_letter(&batch, &failed);
                        at.retrying = None;
                        at.iterator = out.next_shard_iterator().map(str::to_owned);
                        if at.iterator.is_none() {
                            return Ok(());
                        }
                        continue;
                    }
                    // Lambda's checkpoint: everything before the first failure is done; retry from it.
                    pass.failed += failed.len();
                    at.retrying = Some((seq.to_owned(), tries));
                    let again = self.streams.get_shard_iterator().stream_arn(arn).shard_id(shard);
                    let again = again.shard_iterator_type(ShardIteratorType::AtSequenceNumber).sequence_number(seq);
                    at.iterator = again.send().await.map_err(sdk)?.shard_iterator;
                    return Ok(());
                }
            }
        }
    }

    /// The sequence numbers of the records that failed (`batchItemFailures`); every record if the
    /// handler could not be reached at all.
    async fn deliver(&self, batch: &[EventRecord]) -> Vec<String> {
        let mut event = Event::default();
        event.records = batch.to_vec();
        let all = || batch.iter().filter_map(|r| r.change.sequence_number.clone()).collect();
        let answer = match &self.target {
            Target::InProcess(app) => serde_json::to_value(shared::ops::deliver::on_stream(app, event).await),
            Target::Lambda(endpoint) => match crate::lambda::invoke_deliver(endpoint, &event).await {
                Ok(answer) => Ok(answer),
                Err(e) => {
                    eprintln!("[stream] the deliver function failed: {e}");
                    return all();
                }
            },
        };
        let Ok(answer) = answer else { return all() };
        answer["batchItemFailures"]
            .as_array()
            .map(|f| f.iter().filter_map(|f| f["itemIdentifier"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    fn dead_letter(&self, batch: &[EventRecord], failed: &[String]) {
        for record in batch.iter().filter(|r| r.change.sequence_number.as_ref().is_some_and(|s| failed.contains(s))) {
            // The keys only: an outbox message's id, never a name.
            let line = serde_json::json!({"sequenceNumber": record.change.sequence_number, "keys": record.change.keys});
            eprintln!("[stream] gave up on {line} after {MAX_ATTEMPTS} tries; the scheduled deliverer will take it");
            if let Some(file) = &self.dead_letters {
                use std::io::Write;
                let opened = std::fs::OpenOptions::new().create(true).append(true).open(file);
                if let Ok(mut f) = opened {
                    let _ = writeln!(f, "{line}");
                }
            }
        }
    }

    /// Drains every `every` until the process ends; a failed pass (DynamoDB stopped) is tried again
    /// from the same checkpoint, and said once until one succeeds.
    pub fn spawn(self: Arc<Self>, every: std::time::Duration) {
        tokio::spawn(async move {
            let mut failing = false;
            loop {
                match self.drain().await {
                    Ok(_) => failing = false,
                    Err(e) if !failing => {
                        eprintln!("[stream] reading the table's stream failed (will retry): {e}");
                        failing = true;
                    }
                    Err(_) => {}
                }
                tokio::time::sleep(every).await;
            }
        });
    }
}

/// A DynamoDB Streams record as Lambda hands it over.
fn lambda_record(r: &aws_sdk_dynamodbstreams::types::Record, arn: &str) -> Option<EventRecord> {
    let s = r.dynamodb()?;
    let item = |image: Option<&HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>>| {
        serde_dynamo::Item::from(image.cloned().unwrap_or_default())
    };
    let mut change = StreamRecord::default();
    change.keys = item(s.keys());
    change.new_image = item(s.new_image());
    change.sequence_number = s.sequence_number().map(str::to_owned);
    change.size_bytes = s.size_bytes().unwrap_or_default();
    change.stream_view_type = Some(StreamViewType::NewImage);
    if let Some(at) = s.approximate_creation_date_time() {
        change.approximate_creation_date_time =
            chrono::DateTime::from_timestamp(at.secs(), at.subsec_nanos()).unwrap_or_default();
    }
    let mut record = EventRecord::default();
    record.change = change;
    record.event_id = r.event_id().unwrap_or_default().to_owned();
    record.event_name = r.event_name().map(|n| n.as_str().to_owned()).unwrap_or_default();
    record.event_source = Some("aws:dynamodb".into());
    record.event_version = r.event_version().map(str::to_owned);
    record.aws_region = r.aws_region().unwrap_or("us-east-1").to_owned();
    record.event_source_arn = Some(arn.to_owned());
    Some(record)
}

fn sdk<E: std::error::Error + 'static, R: std::fmt::Debug>(e: aws_sdk_dynamodb::error::SdkError<E, R>) -> String {
    format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(e))
}

/// The Streams client of the standard SDK environment: `AWS_ENDPOINT_URL_DYNAMODB_STREAMS`, or where
/// DynamoDB is (Dynoxide and DynamoDB Local serve both on one endpoint).
pub async fn streams_client() -> Result<aws_sdk_dynamodbstreams::Client, String> {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(shared::https_client().map_err(|e| e.to_string())?)
        .load()
        .await;
    let mut config = aws_sdk_dynamodbstreams::config::Builder::from(&sdk);
    if std::env::var_os("AWS_ENDPOINT_URL_DYNAMODB_STREAMS").is_none() {
        if let Ok(url) = std::env::var("AWS_ENDPOINT_URL_DYNAMODB") {
            config = config.endpoint_url(url);
        }
    }
    Ok(aws_sdk_dynamodbstreams::Client::from_conf(config.build()))
}
