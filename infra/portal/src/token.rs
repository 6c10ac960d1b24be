//! Local HS256 tokens, verified by the local API exactly where API Gateway's JWT authorizer would be.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const ISSUER: &str = "portal-local";
pub const AUDIENCE: &str = "district-transfer-portal";

#[derive(Debug, Serialize, Deserialize)]
struct Registered {
    sub: String,
    iss: String,
    aud: String,
    exp: i64,
    iat: i64,
    #[serde(flatten)]
    rest: HashMap<String, serde_json::Value>,
}

/// Signs a token for a user; the district and the user go under the configured claim names (the
/// user also under `sub`, which every JWT has).
pub fn mint(
    secret: &str,
    user: &shared::domain::User,
    claims: &shared::config::Config,
    ttl: chrono::Duration,
) -> Result<String, String> {
    let now = chrono::Utc::now().timestamp();
    let mut rest = HashMap::new();
    rest.insert(claims.district_claim.clone(), serde_json::Value::String(user.district_id.to_string()));
    if claims.user_claim != "sub" {
        rest.insert(claims.user_claim.clone(), serde_json::Value::String(user.id.to_string()));
    }
    rest.insert("email".to_owned(), serde_json::Value::String(user.email.clone()));
    let claims = Registered {
        sub: user.id.to_string(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        exp: now + ttl.num_seconds(),
        iat: now,
        rest,
    };
    let key = EncodingKey::from_secret(secret.as_bytes()).map_err(|e| e.to_string())?;
    encode(&Header::new(Algorithm::HS256), &claims, &key).map_err(|e| e.to_string())
}

/// The user a token is for: by id, and by district when more than one district has that id (user ids
/// are unique within a district only, so the command never picks one silently).
pub async fn find_user(
    store: &shared::store::Store,
    user: &str,
    district: Option<&str>,
) -> Result<shared::domain::User, String> {
    let id = shared::domain::UserId::parse(user).map_err(|e| format!("{user:?} is {e}"))?;
    let found = store.users_named(&id).await.map_err(|e| e.to_string())?;
    let mut matching: Vec<_> = found.into_iter().filter(|u| district.is_none_or(|d| u.district_id == d)).collect();
    match matching.len() {
        0 => Err(match district {
            Some(d) => format!("no user {user} in district {d}"),
            None => format!("no user {user} in the table"),
        }),
        1 => Ok(matching.remove(0)),
        _ => {
            let districts: Vec<String> = matching.iter().map(|u| u.district_id.to_string()).collect();
            Err(format!("{user} is a user of {} districts ({}): add --district", districts.len(), districts.join(", ")))
        }
    }
}

/// Verifies signature, expiry, issuer and audience; returns the claims as API Gateway passes them
/// to a function (every value a string).
pub fn verify(secret: &str, token: &str) -> Option<HashMap<String, String>> {
    let validation = validation(Algorithm::HS256, ISSUER, AUDIENCE);
    let key = DecodingKey::from_secret(secret.as_bytes()).ok()?;
    let data = decode::<HashMap<String, serde_json::Value>>(token, &key, &validation).ok()?;
    as_authorizer_passes(data.claims, chrono::Utc::now().timestamp())
}

/// Signature, expiry, `nbf`, issuer and audience, with no leeway: API Gateway's JWT authorizer allows
/// none either.
fn validation(alg: Algorithm, issuer: &str, audience: &str) -> Validation {
    let mut validation = Validation::new(alg);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
    validation.validate_nbf = true;
    validation.leeway = 0;
    validation
}

/// What the authorizer refuses beyond what `validation` checks: an `iss` that is not one string (the
/// JWT library also takes a list), and a token issued (`iat`) or valid (`nbf`) only in the future.
/// Each time claim, when present, must be a number.
fn as_authorizer_passes(claims: HashMap<String, serde_json::Value>, now: i64) -> Option<HashMap<String, String>> {
    if !claims.get("iss").is_some_and(serde_json::Value::is_string) {
        return None;
    }
    for name in ["iat", "nbf", "exp"] {
        match claims.get(name) {
            None => {}
            Some(v) => {
                let at = v.as_f64()?;
                if name != "exp" && at > now as f64 {
                    return None;
                }
            }
        }
    }
    Some(flatten(claims))
}

/// `8h`, `30m`, `3600s` or a number of seconds.
pub fn parse_ttl(s: &str) -> Result<chrono::Duration, String> {
    let (num, unit) = s.trim().split_at(s.trim().find(|c: char| !c.is_ascii_digit()).unwrap_or(s.trim().len()));
    let n: i64 = num.parse().map_err(|_| format!("not a duration: {s}"))?;
    match unit {
        "" | "s" => Ok(chrono::Duration::seconds(n)),
        "m" => Ok(chrono::Duration::minutes(n)),
        "h" => Ok(chrono::Duration::hours(n)),
        "d" => Ok(chrono::Duration::days(n)),
        _ => Err(format!("not a duration: {s} (use s, m, h or d)")),
    }
}

/// A user as the development sign-in lists them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalUser {
    pub id: String,
    pub name: String,
    pub district_id: String,
    pub district_name: String,
    pub manage_cases: bool,
}

/// Every user of every district, by district name then user name: a Scan of the whole table, for the
/// development sign-in of `portal serve` only (never a request path of the deployed API).
pub async fn all_users(store: &shared::store::Store) -> Result<Vec<LocalUser>, String> {
    use aws_sdk_dynamodb::types::AttributeValue;
    let text = |item: &HashMap<String, AttributeValue>, k: &str| {
        item.get(k).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default()
    };
    let (mut users, mut districts) = (Vec::new(), HashMap::new());
    let mut start = None;
    loop {
        let out = store
            .client()
            .scan()
            .table_name(store.table_name())
            .filter_expression("begins_with(sk, :user) OR sk = :profile")
            .expression_attribute_values(":user", AttributeValue::S("USER#".into()))
            .expression_attribute_values(":profile", AttributeValue::S("PROFILE".into()))
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| format!("{}", aws_sdk_dynamodb::error::DisplayErrorContext(e)))?;
        for item in out.items.unwrap_or_default() {
            if text(&item, "sk") == "PROFILE" {
                districts.insert(text(&item, "id"), text(&item, "name"));
            } else {
                let manage = item
                    .get("permissions")
                    .and_then(|p| p.as_l().ok())
                    .is_some_and(|l| l.iter().any(|v| v.as_s().is_ok_and(|s| s == "manage_cases")));
                users.push((text(&item, "id"), text(&item, "name"), text(&item, "districtId"), manage));
            }
        }
        match out.last_evaluated_key {
            Some(k) => start = Some(k),
            None => break,
        }
    }
    let mut listed: Vec<LocalUser> = users
        .into_iter()
        .map(|(id, name, district_id, manage_cases)| LocalUser {
            district_name: districts.get(&district_id).cloned().unwrap_or_else(|| district_id.clone()),
            id,
            name,
            district_id,
            manage_cases,
        })
        .collect();
    listed.sort_by(|a, b| (&a.district_name, &a.name).cmp(&(&b.district_name, &b.name)));
    Ok(listed)
}

/// Claims as the API Gateway event carries them: every value a string.
fn flatten(claims: HashMap<String, serde_json::Value>) -> HashMap<String, String> {
    claims
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect()
}

/// An OIDC issuer's signing keys, for `portal serve --oidc-issuer`: the local stand-in for API
/// Gateway's JWT authorizer (issuer, audience = the client id, signature, expiry).
pub struct OidcKeys {
    issuer: String,
    audience: String,
    keys: jsonwebtoken::jwk::JwkSet,
}

impl OidcKeys {
    /// Reads the issuer's discovery document and its JWKS.
    pub async fn fetch(issuer: &str, client_id: &str) -> Result<OidcKeys, String> {
        let issuer = issuer.trim_end_matches('/').to_owned();
        let get = |url: String| async move {
            let r = reqwest::get(&url).await.map_err(|e| format!("{url}: {e}"))?;
            r.json::<serde_json::Value>().await.map_err(|e| format!("{url}: {e}"))
        };
        let discovery = get(format!("{issuer}/.well-known/openid-configuration")).await?;
        let jwks_uri = discovery["jwks_uri"].as_str().ok_or("the issuer names no jwks_uri")?.to_owned();
        let keys = serde_json::from_value(get(jwks_uri).await?).map_err(|e| format!("the issuer's JWKS: {e}"))?;
        Ok(OidcKeys { issuer, audience: client_id.to_owned(), keys })
    }

    /// The claims of a token the issuer signed for this client, still valid; `None` otherwise.
    pub fn verify(&self, token: &str) -> Option<HashMap<String, String>> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        // Asymmetric signatures only (never `none` or a shared secret), and a key of that family with
        // the token's key id: an issuer may publish an RSA and an EC key under one id.
        if ![Algorithm::RS256, Algorithm::PS256, Algorithm::ES256].contains(&header.alg) {
            return None;
        }
        let key = self
            .keys
            .keys
            .iter()
            .filter(|k| header.kid.is_none() || k.common.key_id == header.kid)
            .filter_map(|k| DecodingKey::from_jwk(k).ok())
            .find(|k| k.family() == header.alg.family())?;
        let validation = validation(header.alg, &self.issuer, &self.audience);
        let data = decode::<HashMap<String, serde_json::Value>>(token, &key, &validation).ok()?;
        as_authorizer_passes(data.claims, chrono::Utc::now().timestamp())
    }
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
