//! Faults on demand: the DynamoDB engine stopped and started again (a TCP switch in front of it that
//! refuses and cuts connections), and one DynamoDB operation made to fail (an SDK interceptor), so
//! a test can break a request between two of its steps.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// Between the app and its DynamoDB: while stopped, every connection is refused or cut.
#[derive(Clone)]
pub struct EngineSwitch {
    up: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl EngineSwitch {
    /// Listens on a free port of 127.0.0.1 and forwards to `target` (`http://host:port`); returns the
    /// URL to give the SDK instead.
    pub async fn in_front_of(target: &str) -> (String, EngineSwitch) {
        let target = target.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let (cut, _) = watch::channel(0u64);
        let switch = EngineSwitch { up: Arc::new(AtomicBool::new(true)), cut };
        let s = switch.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if !s.up.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let (target, mut cut) = (target.clone(), s.cut.subscribe());
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else { return };
                    let mut client = client;
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        (url, switch)
    }

    /// The engine stops: open connections are cut, new ones refused.
    pub fn stop(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    pub fn start(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// Fails every call of one DynamoDB operation (`"TransactWriteItems"`, ...) while set, before it is
/// sent: the SDK reports a dispatch failure, as it would for a call whose outcome is unknown. With
/// `fail_after`, the first calls go through (a batch that fails half-way).
#[derive(Debug, Default, Clone)]
pub struct FailingOperation(Arc<Mutex<Option<(String, usize)>>>);

impl FailingOperation {
    pub fn fail(&self, operation: &str) {
        self.fail_after(operation, 0);
    }

    pub fn fail_after(&self, operation: &str, calls: usize) {
        *self.0.lock().expect("not poisoned") = Some((operation.to_owned(), calls));
    }

    pub fn heal(&self) {
        *self.0.lock().expect("not poisoned") = None;
    }
}

impl aws_sdk_dynamodb::config::Intercept for FailingOperation {
    fn name(&self) -> &'static str {
        "FailingOperation"
    }

    fn read_before_transmit(
        &self,
        ctx: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let mut failing = self.0.lock().expect("not poisoned");
        let target = ctx.request().headers().get("x-amz-target").unwrap_or("");
        match failing.as_mut() {
            Some((op, 0)) if target.ends_with(&format!(".{op}")) => Err(format!("injected fault in {op}").into()),
            Some((op, left)) if target.ends_with(&format!(".{op}")) => {
                *left -= 1;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
