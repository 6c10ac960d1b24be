//! SES in trouble, on a port of 127.0.0.1: a server that accepts connections and never answers (held),
//! one that answers through to moto only after a delay (slow), and one that drops every connection
//! (refusing). Each counts the connections it got, so a test can tell whether a request talked to SES.

use crate::sdk;
use shared::mail::{ses::SesMailer, Mailer};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

pub struct SesProxy {
    pub url: String,
    connections: Arc<AtomicUsize>,
}

enum Behaviour {
    Hold,
    Refuse,
    DelayTo(String, Duration),
}

impl SesProxy {
    /// Accepts, reads, never answers (the SDK's own timeout ends the call).
    pub async fn held() -> SesProxy {
        Self::start(Behaviour::Hold).await
    }

    /// Accepts and drops at once.
    pub async fn refusing() -> SesProxy {
        Self::start(Behaviour::Refuse).await
    }

    /// Passes everything on to `target` (moto), each connection only after `delay`.
    pub async fn slow(target: &str, delay: Duration) -> SesProxy {
        Self::start(Behaviour::DelayTo(target.trim_start_matches("http://").to_owned(), delay)).await
    }

    async fn start(behaviour: Behaviour) -> SesProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("bound"));
        let connections = Arc::new(AtomicUsize::new(0));
        let (count, behaviour) = (connections.clone(), Arc::new(behaviour));
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let behaviour = behaviour.clone();
                tokio::spawn(async move {
                    match &*behaviour {
                        Behaviour::Refuse => drop(client),
                        Behaviour::Hold => {
                            let mut sink = tokio::io::sink();
                            let _ = tokio::io::copy(&mut client, &mut sink).await;
                        }
                        Behaviour::DelayTo(target, delay) => {
                            tokio::time::sleep(*delay).await;
                            if let Ok(mut server) = TcpStream::connect(target).await {
                                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                            }
                        }
                    }
                });
            }
        });
        SesProxy { url, connections }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub async fn mailer(&self) -> Mailer {
        Mailer::Ses(SesMailer::from_sdk(&sdk(&self.url).await, crate::moto::FROM, None))
    }
}
