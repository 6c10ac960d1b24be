//! JSON logs for CloudWatch, level from `RUST_LOG` (default `info`). Spans carry the request id,
//! the route, the district, the user and the transfer id; never an authentication code, a student's
//! name or case contents.

use tracing_subscriber::filter::{EnvFilter, FilterExt, LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Libraries that log whole requests or events at debug or trace level (lambda_runtime logs the raw
/// event, the AWS SDK the items it sends): whatever `RUST_LOG` says, they log at `info` at most, so a
/// code or a student's name cannot reach a log line by turning up the level.
const CAPPED: &[&str] = &[
    "lambda_runtime",
    "lambda_http",
    "aws_smithy_runtime",
    "aws_smithy_http_client",
    "aws_sdk_dynamodb",
    "aws_sdk_sesv2",
    "aws_runtime",
    "aws_config",
    "hyper",
    "hyper_util",
    "axum",
    "dynoxide",
];

pub fn init() {
    init_with(std::io::stderr);
}

/// Installs the subscriber writing to `writer` (tests capture logs this way). Harmless if called twice.
pub fn init_with<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let env = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let caps = CAPPED
        .iter()
        .fold(Targets::new().with_default(LevelFilter::TRACE), |t, target| t.with_target(*target, LevelFilter::INFO));
    // Lambda adds its own timestamps.
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .without_time()
        .with_target(false)
        .with_writer(writer)
        .with_filter(env.and(caps));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
