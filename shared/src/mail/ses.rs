//! The SES v2 adapter.

use super::OutgoingMail;
use crate::error::Error;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

/// Each attempt fails fast (one retry, short timeouts), so a batch of the stream is never held long
/// by SES trouble; the scheduled deliverer does the patient retrying, with backoff.
fn client(sdk: &aws_config::SdkConfig) -> aws_sdk_sesv2::Client {
    use aws_sdk_sesv2::config::{retry::RetryConfig, timeout::TimeoutConfig};
    use std::time::Duration;
    let config = aws_sdk_sesv2::config::Builder::from(sdk)
        .retry_config(RetryConfig::standard().with_max_attempts(2))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(1))
                .operation_timeout(Duration::from_secs(5))
                .build(),
        )
        .build();
    aws_sdk_sesv2::Client::from_conf(config)
}

#[derive(Clone)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: Option<String>,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(sdk: &aws_config::SdkConfig, config: &crate::config::Config) -> Self {
        SesMailer {
            client: client(sdk),
            from: config.mail_from.clone(),
            configuration_set: config.mail_configuration_set.clone(),
        }
    }

    pub fn from_sdk(sdk: &aws_config::SdkConfig, from: impl Into<String>, configuration_set: Option<String>) -> Self {
        SesMailer { client: client(sdk), from: Some(from.into()), configuration_set }
    }

    pub fn client(&self) -> &aws_sdk_sesv2::Client {
        &self.client
    }

    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), Error> {
        let from = self.from.as_deref().ok_or_else(|| Error::unavailable("MAIL_FROM is not configured"))?;
        let content = |data: &str| {
            Content::builder().data(data).charset("UTF-8").build().map_err(|e| Error::unavailable(e.to_string()))
        };
        let message = Message::builder()
            .subject(content(&mail.subject)?)
            .body(Body::builder().text(content(&mail.text)?).html(content(&mail.html)?).build())
            .build();
        self.client
            .send_email()
            .from_email_address(from)
            .destination(Destination::builder().to_addresses(&mail.to).build())
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| Error::unavailable(aws_sdk_sesv2::error::DisplayErrorContext(e)))?;
        Ok(())
    }
}
