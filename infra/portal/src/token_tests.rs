//! The local check refuses what API Gateway's JWT authorizer refuses.

use super::*;
use serde_json::{json, Value};

const SECRET: &str = "a-local-secret";

fn signed(claims: Value) -> String {
    let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap()
}

/// A token as `mint` makes it, with `changes` applied (a `null` removes the claim).
fn token(changes: Value) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({"sub": "u-ann", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 3600, "iat": now,
                            "district_id": "d-north"});
    for (k, v) in changes.as_object().unwrap() {
        match v {
            Value::Null => claims.as_object_mut().unwrap().remove(k),
            v => claims.as_object_mut().unwrap().insert(k.clone(), v.clone()),
        };
    }
    signed(claims)
}

#[test]
fn tokens_are_refused_as_the_authorizer_refuses_them() {
    let now = chrono::Utc::now().timestamp();
    let cases = [
        ("as minted", json!({}), true),
        ("nbf in the past", json!({"nbf": now - 10}), true),
        ("no iat", json!({"iat": null}), true),
        ("an audience list naming ours", json!({"aud": [AUDIENCE, "other"]}), true),
        ("nbf in the future", json!({"nbf": now + 600}), false),
        ("nbf a second ahead", json!({"nbf": now + 2}), false),
        ("iat in the future", json!({"iat": now + 600}), false),
        ("iat not a number", json!({"iat": "yesterday"}), false),
        ("nbf not a number", json!({"nbf": "now"}), false),
        ("iss as a list", json!({"iss": [ISSUER]}), false),
        ("iss as a list of two", json!({"iss": [ISSUER, "other"]}), false),
        ("another issuer", json!({"iss": "someone-else"}), false),
        ("another audience", json!({"aud": "other"}), false),
        ("expired a second ago", json!({"exp": now - 1}), false),
        ("no exp", json!({"exp": null}), false),
        ("no sub", json!({"sub": null}), false),
    ];
    for (what, changes, accepted) in cases {
        assert_eq!(verify(SECRET, &token(changes)).is_some(), accepted, "{what}");
    }
}

#[test]
fn a_token_of_another_secret_or_algorithm_is_refused() {
    assert!(verify("another-secret", &token(json!({}))).is_none());
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": "u-ann", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 60});
    let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let hs512 = encode(&Header::new(Algorithm::HS512), &claims, &key).unwrap();
    assert!(verify(SECRET, &hs512).is_none());
}
