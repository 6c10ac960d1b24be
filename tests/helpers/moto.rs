//! A moto server (SES v2) of a test's own, on a free port of 127.0.0.1, stopped when dropped.

use crate::sdk;
use serde_json::Value;
use shared::mail::{ses::SesMailer, Mailer};
use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};

pub const FROM: &str = "portal@transfers.example";

/// A moto server of this test's own, on a free port, stopped when the test ends.
pub struct Moto {
    pub url: String,
    child: Child,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    pub async fn start() -> Moto {
        let bin = std::env::var("MOTO_SERVER")
            .unwrap_or_else(|_| format!("{}/../.venv/bin/moto_server", env!("CARGO_MANIFEST_DIR")));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("moto is needed for the SES tests ({bin}: {e}); run ./scripts/test.sh"));
        let moto = Moto { url: format!("http://127.0.0.1:{port}"), child };
        for _ in 0..300 {
            if reqwest::get(format!("{}/moto-api/data.json", moto.url)).await.is_ok_and(|r| r.status().is_success()) {
                return moto;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("moto did not start on {}", moto.url);
    }

    pub async fn mailer(&self) -> Mailer {
        let mailer = SesMailer::from_sdk(&sdk(&self.url).await, FROM, None);
        mailer.client().create_email_identity().email_identity(FROM).send().await.expect("verify the sender in moto");
        Mailer::Ses(mailer)
    }

    /// Every email moto accepted: `(recipients, subject, body)`.
    pub async fn sent(&self) -> Vec<(BTreeSet<String>, String, String)> {
        let data: Value = reqwest::get(format!("{}/moto-api/data.json", self.url)).await.unwrap().json().await.unwrap();
        // moto keeps each message's recipients, subject and (HTML) body.
        let mut out = Vec::new();
        for m in data["ses"]["Message"].as_array().cloned().unwrap_or_default() {
            let to: BTreeSet<String> = m["destinations"]["ToAddresses"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            let subject = m["subject"].as_str().unwrap_or_default().to_owned();
            out.push((to, subject, m["body"].as_str().unwrap_or_default().to_owned()));
        }
        out
    }

    /// Who received an email whose subject contains `needle`.
    pub async fn recipients(&self, needle: &str) -> BTreeSet<String> {
        self.sent().await.into_iter().filter(|(_, s, _)| s.contains(needle)).flat_map(|(to, _, _)| to).collect()
    }
}
