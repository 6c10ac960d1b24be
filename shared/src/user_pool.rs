//! The Cognito adapter: the stack's user pool, when it has one (`USER_POOL_ID`). An administrator's
//! invitation creates the pool user (username the portal's user id, a verified email, the district
//! in `custom:district_id`) so that Cognito sends the invitation; deactivating disables it, and a new
//! name follows. Without a pool (`portal serve`), the table alone is the truth and this is `None`.
//! The table decides every call either way: a deactivated user is refused even with a live token.

use crate::domain::{User, UserId};
use crate::error::Error;
use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
use aws_sdk_cognitoidentityprovider::types::AttributeType;
use aws_sdk_cognitoidentityprovider::Client;

#[derive(Clone, Debug)]
pub struct UserPool {
    client: Client,
    pool_id: String,
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, Error> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| Error::unavailable(format!("a Cognito attribute: {e}")))
}

fn failed(what: &str, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::unavailable(format!("Cognito {what}: {}", DisplayErrorContext(e)))
}

impl UserPool {
    pub fn new(client: Client, pool_id: impl Into<String>) -> Self {
        UserPool { client, pool_id: pool_id.into() }
    }

    /// The pool `USER_POOL_ID` names, if any.
    pub fn from_env(sdk: &aws_config::SdkConfig) -> Option<Self> {
        let id = std::env::var("USER_POOL_ID").ok().filter(|v| !v.trim().is_empty())?;
        Some(UserPool::new(Client::new(sdk), id))
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn pool_id(&self) -> &str {
        &self.pool_id
    }

    /// Creates the pool user, which makes Cognito send the invitation. A user already there (an
    /// earlier try whose table write failed) is taken as it is.
    pub async fn invite(&self, u: &User) -> Result<(), Error> {
        let attributes = vec![
            attribute("email", &u.email)?,
            attribute("email_verified", "true")?,
            attribute("name", &u.name)?,
            attribute("custom:district_id", u.district_id.as_str())?,
        ];
        let out = self
            .client
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(u.id.as_str())
            .set_user_attributes(Some(attributes))
            .desired_delivery_mediums(aws_sdk_cognitoidentityprovider::types::DeliveryMediumType::Email)
            .send()
            .await;
        match out {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_username_exists_exception()) => Ok(()),
            Err(e) => Err(failed("AdminCreateUser", e)),
        }
    }

    /// Enables or disables the pool user (a user the pool does not know is nothing to change).
    pub async fn set_active(&self, user: &UserId, active: bool) -> Result<(), Error> {
        use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
        let missing = |code: Option<&str>| code == Some("UserNotFoundException");
        if active {
            match self.client.admin_enable_user().user_pool_id(&self.pool_id).username(user.as_str()).send().await {
                Ok(_) => Ok(()),
                Err(e) if missing(e.code()) => Ok(()),
                Err(e) => Err(failed("AdminEnableUser", e)),
            }
        } else {
            match self.client.admin_disable_user().user_pool_id(&self.pool_id).username(user.as_str()).send().await {
                Ok(_) => Ok(()),
                Err(e) if missing(e.code()) => Ok(()),
                Err(e) => Err(failed("AdminDisableUser", e)),
            }
        }
    }

    /// The pool user's name, as the portal now spells it.
    pub async fn rename(&self, user: &UserId, name: &str) -> Result<(), Error> {
        let out = self
            .client
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(user.as_str())
            .user_attributes(attribute("name", name)?)
            .send()
            .await;
        match out {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_user_not_found_exception()) => Ok(()),
            Err(e) => Err(failed("AdminUpdateUserAttributes", e)),
        }
    }
}
