//! Email delivery: SES v2 in AWS (and against moto or any SES endpoint), or a local outbox that
//! `portal serve` prints, so no mail is ever silently dropped.

pub mod ses;
pub mod text;

use crate::error::Error;
use std::sync::{Arc, Mutex};

/// One email as it leaves the portal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone)]
pub enum Mailer {
    Ses(ses::SesMailer),
    /// Kept by the local API, printed as it arrives and appended to a JSON-lines file if one is given.
    LocalOutbox(Arc<Mutex<Vec<OutgoingMail>>>, Option<Arc<str>>),
}

impl Mailer {
    pub fn from_env(sdk: &aws_config::SdkConfig, config: &crate::config::Config) -> Self {
        Mailer::Ses(ses::SesMailer::new(sdk, config))
    }

    pub fn local() -> Self {
        Mailer::LocalOutbox(Arc::default(), None)
    }

    pub fn local_file(path: impl Into<String>) -> Self {
        Mailer::LocalOutbox(Arc::default(), Some(path.into().into()))
    }

    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), Error> {
        match self {
            Mailer::Ses(ses) => ses.send(mail).await,
            Mailer::LocalOutbox(outbox, file) => {
                eprintln!("[outbox] to {}: {}", mail.to, mail.subject);
                if let Some(path) = file {
                    use std::io::Write;
                    let line = serde_json::to_string(mail).map_err(Error::unavailable)?;
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path.as_ref())
                        .map_err(Error::unavailable)?;
                    writeln!(f, "{line}").map_err(Error::unavailable)?;
                }
                outbox.lock().map_err(|_| Error::unavailable("local outbox poisoned"))?.push(mail.clone());
                Ok(())
            }
        }
    }

    /// What the local outbox holds so far (nothing for SES).
    pub fn local_mail(&self) -> Vec<OutgoingMail> {
        match self {
            Mailer::LocalOutbox(o, _) => o.lock().map(|o| o.clone()).unwrap_or_default(),
            Mailer::Ses(_) => Vec::new(),
        }
    }
}
