//! District administration (issue 21, api.md v1.2 "Users"): a district runs its own users,
//! permissions and audit trail; in AWS the pool user follows (moto's Cognito here).

mod cognito;
mod users;

use e2e::fixture::NORTH;
use e2e::{Reply, TestApp};
use serde_json::{json, Value};

/// The standard fixture with Ann as North's one administrator.
pub fn north_with_admin() -> Value {
    let mut file = e2e::fixture::standard();
    for u in file["users"].as_array_mut().unwrap() {
        if u["id"] == "u-ann" {
            u["permissions"] = json!(["manage_cases", "manage_users"]);
        }
    }
    file
}

/// A token for a user an administrator created (the harness knows only imported users).
pub fn token_for(app: &TestApp, id: &str, name: &str) -> String {
    let user = shared::domain::User {
        id: id.parse().unwrap(),
        district_id: NORTH.parse().unwrap(),
        name: name.into(),
        email: "x@north.example".into(),
        phone: None,
        permissions: vec![],
        active: true,
        updated_at: None,
        updated_by: None,
    };
    let _ = app;
    portal::token::mint(e2e::JWT_SECRET, &user, &e2e::config(), chrono::Duration::hours(1)).unwrap()
}

pub async fn call(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>) -> Reply {
    app.request(method, None, path, body, &[("authorization", &format!("Bearer {token}"))]).await
}
