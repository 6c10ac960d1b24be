//! `GET|PUT /v1/settings/transfers`: the district's "Activate Case Transfers Between Districts", and
//! `POST /v1/notifications/{id}/read`.

use crate::domain::district_audit::DistrictAuditEvent;
use crate::domain::NotificationId;
use crate::error::Error;
use crate::http::{ok, parse_json, path_id, Caller, Claims};
use crate::store::Wanted;
use crate::App;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;

async fn caller(app: &App, req: &Request) -> Result<Caller, Error> {
    let claims = Claims::from_request(req, &app.config)?;
    let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, Wanted::default()).await?;
    Caller::resolve(&claims, &mut reads)
}

pub(crate) async fn get(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    ok(&caller(app, req).await?.district.setting())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SettingBody {
    enabled: bool,
}

/// Switching OFF destroys nothing: pending requests stay pending (`product.md`, the toggle).
pub(crate) async fn put(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let body: SettingBody = parse_json(req)?;
    let caller = caller(app, req).await?;
    let now = app.clock.now();
    let audit = DistrictAuditEvent::of_district(
        now,
        caller.district_id(),
        caller.user.as_ref(),
        "transfers.switched",
        serde_json::json!({"transfersEnabled": caller.district.district.transfers_enabled}),
        serde_json::json!({"transfersEnabled": body.enabled}),
    );
    let record = app.store.set_transfers_enabled(&caller.district, body.enabled, &caller.user, now, &audit).await?;
    tracing::info!(enabled = body.enabled, "transfer setting changed");
    ok(&record.setting())
}

pub(crate) async fn read(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let caller = caller(app, req).await?;
    let id: NotificationId = path_id(req, "id")?;
    ok(&app.store.mark_read(caller.district_id(), &caller.user.id, &id, app.clock.now()).await?)
}
