//! `GET|PUT /v1/settings/district` and `GET|PUT /v1/settings/calendar`: read by Manage Cases users,
//! changed by the district's administrators (`manage_users`) only.

use crate::domain::district_audit::DistrictAuditEvent;
use crate::domain::district_settings::{Calendar, DistrictSettings, SettingsChange};
use crate::domain::Permission;
use crate::error::Error;
use crate::http::{ok, parse_json, Caller, Claims};
use crate::store::districts::DistrictRecord;
use crate::store::Wanted;
use crate::App;
use lambda_http::{Body, Request, Response};

async fn identified(app: &App, req: &Request) -> Result<Caller, Error> {
    let claims = Claims::from_request(req, &app.config)?;
    let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, Wanted::default()).await?;
    Caller::identify(&claims, &mut reads)
}

/// A Manage Cases user of the district (what the reads need).
async fn reader(app: &App, req: &Request) -> Result<Caller, Error> {
    let caller = identified(app, req).await?;
    if !caller.user.can(Permission::ManageCases) && !caller.user.can(Permission::ManageUsers) {
        return Err(Error::Forbidden);
    }
    Ok(caller)
}

/// An administrator of the district (what the changes need), whatever else they may do.
pub(crate) async fn admin(app: &App, req: &Request) -> Result<Caller, Error> {
    let caller = identified(app, req).await?;
    if !caller.user.can(Permission::ManageUsers) {
        return Err(Error::Forbidden);
    }
    Ok(caller)
}

pub(crate) async fn get_district(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let caller = reader(app, req).await?;
    ok(&with_preview(app, &caller.district).await?)
}

/// The settings with the preview of their clock (the calendar read only when there is a rule).
async fn with_preview(app: &App, record: &DistrictRecord) -> Result<DistrictSettings, Error> {
    let d = &record.district;
    let calendar = match d.records_rule {
        Some(_) => app.store.calendar(&d.id).await?.days,
        None => vec![],
    };
    Ok(record.settings().with_preview(d, &calendar, app.clock.now()))
}

pub(crate) async fn put_district(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    // Every field is optional, but a PUT without a body changes nothing and is a mistake.
    if !crate::http::request::has_body(req) {
        return Err(Error::invalid("body", "a JSON object with the settings to change"));
    }
    let change: SettingsChange = parse_json(req)?;
    let problems = change.problems();
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let caller = admin(app, req).await?;
    let now = app.clock.now();
    let shown = |d: &crate::domain::District| DistrictSettings::of(d, None, None);
    let (before, after) = (shown(&caller.district.district), shown(&change.apply(caller.district.district.clone())));
    let audit = DistrictAuditEvent::of_district(
        now,
        caller.district_id(),
        caller.user.as_ref(),
        "settings.changed",
        changed_fields(&before, &after, true),
        changed_fields(&before, &after, false),
    );
    let record = app.store.update_settings(&caller.district, &change, &caller.user.id, now, &audit).await?;
    tracing::info!("district settings changed");
    ok(&with_preview(app, &record).await?)
}

pub(crate) async fn get_calendar(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let caller = reader(app, req).await?;
    ok(&app.store.calendar(caller.district_id()).await?)
}

pub(crate) async fn put_calendar(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let body: Calendar = parse_json(req)?;
    let problems = Calendar::problems(&body.days, "days");
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let caller = admin(app, req).await?;
    let before = app.store.calendar(caller.district_id()).await?;
    let now = app.clock.now();
    let audit = DistrictAuditEvent::of_district(
        now,
        caller.district_id(),
        caller.user.as_ref(),
        "calendar.replaced",
        serde_json::json!({"days": before.days}),
        serde_json::json!({"days": body.days}),
    );
    let record = app.store.put_calendar(caller.district_id(), &body.days, &caller.user.id, now, &audit).await?;
    tracing::info!(ranges = body.days.len(), "district calendar replaced");
    ok(&record)
}

/// The settings a change touched, as they were (`before_side`) or as it leaves them.
fn changed_fields(before: &DistrictSettings, after: &DistrictSettings, before_side: bool) -> serde_json::Value {
    let (b, a) = (serde_json::to_value(before).unwrap_or_default(), serde_json::to_value(after).unwrap_or_default());
    let mut out = serde_json::Map::new();
    if let (Some(b), Some(a)) = (b.as_object(), a.as_object()) {
        for (k, v) in a {
            if b.get(k) != Some(v) {
                out.insert(k.clone(), if before_side { b.get(k).cloned().unwrap_or_default() } else { v.clone() });
            }
        }
    }
    serde_json::Value::Object(out)
}
