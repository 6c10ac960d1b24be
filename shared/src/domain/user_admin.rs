//! District administration (api.md v1.2, "Users"): what an administrator may type when inviting or
//! changing a user, what a change does to the user, and the guard that keeps every district with an
//! active administrator.

use super::ids::{DistrictId, UserId};
use super::model::{Permission, Timestamp, User, UserRef};
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// A name: at most this many characters, on one line.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_PHONE_CHARS: usize = 40;

/// A field that may be left out but not sent as `null` (nothing it could clear).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// `POST /v1/users`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Invite {
    #[serde(default, deserialize_with = "present")]
    pub id: Option<UserId>,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub permissions: Vec<Permission>,
}

/// `PUT /v1/users/{userId}`: any subset.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Change {
    #[serde(default, deserialize_with = "present")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub permissions: Option<Vec<Permission>>,
    #[serde(default, deserialize_with = "present")]
    pub active: Option<bool>,
}

fn line_problem(field: &str, value: &str, max: usize) -> Option<FieldError> {
    if value.trim().is_empty() {
        Some(FieldError::new(field, "must not be empty"))
    } else if value.chars().count() > max {
        Some(FieldError::new(field, format!("at most {max} characters")))
    } else if value.chars().any(char::is_control) {
        Some(FieldError::new(field, "one line, without control characters"))
    } else {
        None
    }
}

/// Each permission once, in the order the set knows them.
fn normalised(permissions: &[Permission]) -> Vec<Permission> {
    [Permission::ManageCases, Permission::ViewCases, Permission::ManageUsers]
        .into_iter()
        .filter(|p| permissions.contains(p))
        .collect()
}

impl Invite {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems: Vec<FieldError> = line_problem("name", &self.name, MAX_NAME_CHARS).into_iter().collect();
        if !super::email::is_email(&self.email) {
            problems.push(FieldError::new("email", "an email address, like name@district.example"));
        }
        if let Some(p) = self.phone.as_deref().and_then(|p| line_problem("phone", p, MAX_PHONE_CHARS)) {
            problems.push(p);
        }
        problems
    }

    /// The user this invitation makes in `district`, by `by` at `at`; `id` when the invitation names none.
    pub fn user(self, district: &DistrictId, id: UserId, by: UserRef, at: Timestamp) -> User {
        User {
            id: self.id.unwrap_or(id),
            district_id: district.clone(),
            name: self.name.trim().to_owned(),
            email: self.email.trim().to_owned(),
            phone: self.phone.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()),
            permissions: normalised(&self.permissions),
            active: true,
            updated_at: Some(at),
            updated_by: Some(by),
        }
    }
}

impl Change {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if let Some(p) = self.name.as_deref().and_then(|n| line_problem("name", n, MAX_NAME_CHARS)) {
            problems.push(p);
        }
        if self.name.is_none() && self.permissions.is_none() && self.active.is_none() {
            problems.push(FieldError::new("body", "give at least one of name, permissions, active"));
        }
        problems
    }

    /// `user` as this change leaves it.
    pub fn applied(&self, user: &User, by: UserRef, at: Timestamp) -> User {
        let mut u = user.clone();
        if let Some(n) = &self.name {
            u.name = n.trim().to_owned();
        }
        if let Some(p) = &self.permissions {
            u.permissions = normalised(p);
        }
        if let Some(a) = self.active {
            u.active = a;
        }
        u.updated_at = Some(at);
        u.updated_by = Some(by);
        u
    }
}

/// An active administrator of their district.
pub fn is_admin(u: &User) -> bool {
    u.can(Permission::ManageUsers)
}

/// A change from `before` to `after` takes an administrator away from the district: it then needs
/// another active one (409 `last_admin` otherwise).
pub fn removes_admin(before: &User, after: &User) -> bool {
    is_admin(before) && !is_admin(after)
}

/// A user as the administration screens show them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    pub id: UserId,
    pub name: String,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub permissions: Vec<Permission>,
    pub active: bool,
    pub updated_at: Option<Timestamp>,
    pub updated_by: Option<UserRef>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            phone: u.phone.clone(),
            permissions: u.permissions.clone(),
            active: u.active,
            updated_at: u.updated_at,
            updated_by: u.updated_by.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(perms: &[Permission], active: bool) -> User {
        User {
            id: "u-1".into(),
            district_id: "d-1".into(),
            name: "Ann".into(),
            email: "ann@example.org".into(),
            phone: None,
            permissions: perms.to_vec(),
            active,
            updated_at: None,
            updated_by: None,
        }
    }

    #[test]
    fn the_last_admin_guard_sees_every_way_an_admin_is_lost() {
        use Permission::*;
        let by = UserRef { id: "u-2".into(), name: "Bo".into() };
        let at = Timestamp(chrono::DateTime::UNIX_EPOCH);
        // (before: permissions, active) + change -> removes an administrator
        let table: [(&[Permission], bool, Change, bool); 7] = [
            (&[ManageUsers], true, Change { active: Some(false), ..Change::default() }, true),
            (
                &[ManageUsers, ManageCases],
                true,
                Change { permissions: Some(vec![ManageCases]), ..Change::default() },
                true,
            ),
            (&[ManageUsers], true, Change { name: Some("Ann B".into()), ..Change::default() }, false),
            (
                &[ManageUsers],
                true,
                Change { permissions: Some(vec![ManageUsers, ManageUsers]), ..Change::default() },
                false,
            ),
            (&[ManageCases], true, Change { active: Some(false), ..Change::default() }, false),
            (&[ManageUsers], false, Change { active: Some(false), ..Change::default() }, false),
            (&[ManageUsers], false, Change { active: Some(true), ..Change::default() }, false),
        ];
        for (perms, active, change, removes) in table {
            let before = user(perms, active);
            let after = change.applied(&before, by.clone(), at);
            assert_eq!(removes_admin(&before, &after), removes, "{perms:?} {active} {change:?}");
        }
    }

    #[test]
    fn what_an_administrator_types_is_checked() {
        let invite = |name: &str, email: &str, phone: Option<&str>| Invite {
            id: None,
            name: name.into(),
            email: email.into(),
            phone: phone.map(Into::into),
            permissions: vec![],
        };
        let fields = |i: Invite| i.problems().into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert!(fields(invite("Dee", "dee@x.example", Some("+1 555 0100"))).is_empty());
        assert_eq!(fields(invite(&"x".repeat(10_000), "dee@x.example", None)), ["name"]);
        assert_eq!(fields(invite("  ", "not an email", Some(&"1".repeat(41)))), ["name", "email", "phone"]);
        assert_eq!(fields(invite("Dee\nLine", "dee@x.example", None)), ["name"]);
        assert_eq!(Change::default().problems()[0].field, "body");
    }
}
