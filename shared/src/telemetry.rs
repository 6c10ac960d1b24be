//! JSON logs for CloudWatch, level from `RUST_LOG` (default `info`). Spans carry the request id,
//! the route, the district, the user and the transfer id; never an authentication code, a student's
//! name or case contents.

use tracing_subscriber::filter::{EnvFilter, FilterExt, LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// The crates whose own lines may be as verbose as `RUST_LOG` asks: this project's, which log ids
/// and outcomes only. Every other crate logs at `info` at most, whatever `RUST_LOG` says: libraries
/// write whole requests at debug or trace level (lambda_runtime the raw event, the AWS SDK the items
/// it sends, and `aws_sigv4` the canonical request with its body when `LOG_SIGNABLE_BODY=true`), so
/// a code, its salt or a student's name cannot reach a log line by turning up the level or by a
/// library adding a logger this list never heard of.
const OURS: &[&str] = &["shared", "portal"];

pub fn init() {
    init_with(std::io::stderr);
}

/// Installs the subscriber writing to `writer` (tests capture logs this way). Harmless if called twice.
pub fn init_with<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let env = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let caps = OURS
        .iter()
        .fold(Targets::new().with_default(LevelFilter::INFO), |t, target| t.with_target(*target, LevelFilter::TRACE))
        // The embedded local engine (`portal serve`) warns of every 4xx it answers; a refused condition
        // is how the portal keeps its rules, not a problem. Its errors still show.
        .with_target("dynoxide", LevelFilter::ERROR);
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
