//! The receiving desk's reads (api.md v1.2, "Matching and assignment"): the students who may be a
//! transferred case's person, and the staff values a district's cases use.

use super::decide::{load, Loaded};
use super::list::{as_caller, parsed, search_query};
use crate::domain::{matching, CaseId, Side, StaffField};
use crate::error::Error;
use crate::http::{ok, path_id};
use crate::store::Wanted;
use crate::App;
use lambda_http::{Body, Request, Response};
use serde::Serialize;

#[derive(Serialize)]
struct Items<T> {
    items: Vec<T>,
}

/// `GET /v1/transfers/{id}/cases/{sourceCaseId}/matches`: the destination's students who may be this
/// case's person of concern, best first. Only the destination, and only once the code revealed the
/// contents (the person's name is part of them): anyone else is told nothing exists.
pub(crate) async fn matches(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let case: CaseId = path_id(req, "sourceCaseId")?;
    let Loaded { caller, transfer: t, .. } = load(app, req, Wanted::default()).await?;
    if t.side_of(caller.district_id()) != Some(Side::Destination) || !t.contents_visible_to(Side::Destination) {
        return Err(Error::NotFound);
    }
    let frozen = t.cases.iter().find(|c| c.source_case_id == case).ok_or(Error::NotFound)?;
    let person = &frozen.header.person_of_concern;
    let last = matching::last_name_key(person);
    let namesakes =
        if last.is_empty() { vec![] } else { app.store.students_named(caller.district_id(), &last).await? };
    ok(&Items { items: matching::rank(person, namesakes) })
}

/// `GET /v1/case-values?field=&q=`: the distinct values the caller's district uses for one staff field.
pub(crate) async fn case_values(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let field = parsed::<StaffField>(req, "field")?
        .ok_or_else(|| Error::invalid("field", "one of building, teamName, teamLeader, caseManager"))?;
    let q = search_query(req)?;
    let (_, values) =
        as_caller(app, req, |c| async move { app.store.case_values(&c.district_id, field, q.as_deref()).await })
            .await?;
    ok(&Items { items: values })
}
