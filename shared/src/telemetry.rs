//! JSON logs for CloudWatch, level from `RUST_LOG` (default `info`). Spans carry the request id,
//! the district and the transfer id; never an authentication code or a student's name.

pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Lambda adds its own timestamps; `try_init` so a second call (tests) is harmless.
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .without_time()
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}
