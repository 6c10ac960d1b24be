//! District administration (api.md v1.2, "Users"): the district's users (`GET /v1/users`), inviting
//! one (`POST`), changing one (`PUT /v1/users/{userId}`: name, permissions, active) and the district's
//! audit trail (`GET /v1/audit`). Every route needs `manage_users`; the district is the caller's.

use crate::domain::district_audit::DistrictAuditEvent;
use crate::domain::user_admin::{is_admin, removes_admin, Change, Invite, UserView};
use crate::domain::{Permission, User, UserId};
use crate::error::Error;
use crate::http::{cursor, json, limit, ok, parse_json, path_id, Caller, Claims};
use crate::store::users::UserWrite;
use crate::store::{Page, Wanted};
use crate::App;
use lambda_http::{Body, Request, Response};

/// The caller, an active administrator of the claimed district (403 otherwise).
async fn administrator(app: &App, req: &Request) -> Result<Caller, Error> {
    let claims = Claims::from_request(req, &app.config)?;
    let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, Wanted::default()).await?;
    Caller::holding(&claims, &mut reads, Permission::ManageUsers)
}

/// What the audit trail keeps of a user: never more than the screens show.
fn audited(u: &User) -> serde_json::Value {
    serde_json::json!({"name": u.name, "email": u.email, "permissions": u.permissions, "active": u.active})
}

fn audit(caller: &Caller, action: &str, before: Option<&User>, after: &User, app: &App) -> DistrictAuditEvent {
    DistrictAuditEvent {
        at: app.clock.now(),
        district_id: caller.district_id().clone(),
        actor: caller.user.as_ref(),
        action: action.to_owned(),
        subject: after.id.to_string(),
        before: before.map(audited),
        after: Some(audited(after)),
    }
}

/// `GET /v1/users?q=&limit=&cursor=`.
pub(crate) async fn list_users(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let q = super::list::search_query(req)?.unwrap_or_default();
    let (limit, cursor) = (limit(req)?, cursor(req)?);
    let caller = administrator(app, req).await?;
    let page = app.store.users_page(caller.district_id(), q.trim(), limit, cursor.as_deref()).await?;
    ok(&Page { items: page.items.iter().map(UserView::from).collect::<Vec<_>>(), next_cursor: page.next_cursor })
}

/// `POST /v1/users`: the user in the table, and in the pool when the stack has one (Cognito sends
/// the invitation). 201 with the user.
pub(crate) async fn invite(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let body: Invite = parse_json(req)?;
    let problems = body.problems();
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let caller = administrator(app, req).await?;
    let user = body.user(caller.district_id(), UserId::generate(), caller.user.as_ref(), app.clock.now());
    if app.store.user(caller.district_id(), &user.id).await?.is_some() {
        return Err(Error::UserExists);
    }
    // The pool first: should the table write then fail, a retry finds the pool user and goes on.
    if let Some(pool) = &app.users {
        pool.invite(&user).await?;
    }
    let event = audit(&caller, "user.invited", None, &user, app);
    match app.store.create_user(&user, &event, caller.acting()).await {
        Ok(()) => {}
        Err(UserWrite::Exists) => return Err(Error::UserExists),
        Err(UserWrite::Failed(e)) => return Err(e),
        Err(_) => return Err(Error::unavailable("user creation refused")),
    }
    tracing::info!(user_id = %user.id, "user invited");
    json(201, &UserView::from(&user))
}

/// `PUT /v1/users/{userId}`: any of name, permissions, active. Taking away the district's last
/// active administrator is 409 `last_admin`; deactivating signs the user out at once.
pub(crate) async fn change(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let id: UserId = path_id(req, "userId")?;
    let body: Change = parse_json(req)?;
    let problems = body.problems();
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let caller = administrator(app, req).await?;
    let district = caller.district_id().clone();
    // A lost race (the user changed meanwhile) is decided again on what is there now.
    for _ in 0..3 {
        let before = app.store.user(&district, &id).await?.ok_or(Error::NotFound)?;
        let after = body.applied(&before, caller.user.as_ref(), app.clock.now());
        // Another administrator changing this one is themselves the district's other administrator
        // (their own item is checked as the change lands); one changing themselves needs another.
        let other = if removes_admin(&before, &after) && id == caller.user.id {
            let users = app.store.district_users(&district).await?;
            match users.into_iter().find(|u| u.id != id && is_admin(u)) {
                Some(u) => Some(u.id),
                None => return Err(Error::LastAdmin),
            }
        } else {
            None
        };
        let event = audit(&caller, "user.changed", Some(&before), &after, app);
        match app.store.change_user(&before, &after, &event, caller.acting(), other.as_ref()).await {
            Ok(()) => {
                follow_in_pool(app, &before, &after).await?;
                tracing::info!(user_id = %after.id, active = after.active, "user changed");
                return ok(&UserView::from(&after));
            }
            Err(UserWrite::NoOtherAdmin) => return Err(Error::LastAdmin),
            Err(UserWrite::Changed) => continue,
            Err(UserWrite::Exists) => return Err(Error::UserExists),
            Err(UserWrite::Failed(e)) => return Err(e),
        }
    }
    Err(Error::unavailable("the user kept changing"))
}

/// The pool user follows the table: disabled or enabled, renamed. The table has already decided
/// (a deactivated user is refused on the next call whatever the pool says).
async fn follow_in_pool(app: &App, before: &User, after: &User) -> Result<(), Error> {
    let Some(pool) = &app.users else { return Ok(()) };
    if before.active != after.active {
        pool.set_active(&after.id, after.active).await?;
    }
    if before.name != after.name {
        pool.rename(&after.id, &after.name).await?;
    }
    Ok(())
}

/// `GET /v1/audit?limit=&cursor=`: the district's own trail, newest first.
pub(crate) async fn audit_trail(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let (limit, cursor) = (limit(req)?, cursor(req)?);
    let caller = administrator(app, req).await?;
    ok(&app.store.district_audit(caller.district_id(), limit, cursor.as_deref()).await?)
}
