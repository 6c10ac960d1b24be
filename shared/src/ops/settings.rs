//! `GET|PUT /v1/settings/district` and `GET|PUT /v1/settings/calendar`: read by Manage Cases users,
//! changed by the district's administrators (`manage_users`) only.

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
    let record = app.store.update_settings(caller.district_id(), &change, &caller.user.id, app.clock.now()).await?;
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
    let record = app.store.put_calendar(caller.district_id(), &body.days, &caller.user.id, app.clock.now()).await?;
    tracing::info!(ranges = body.days.len(), "district calendar replaced");
    ok(&record)
}
