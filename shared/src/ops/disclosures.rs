//! FERPA's record of disclosures (api.md v1.2): a case's record (`GET /v1/cases/{caseId}/disclosures`)
//! and the district's export for a date range (`GET /v1/disclosures`, JSON pages or CSV with the next
//! page in a `Link` header).

use super::list::as_caller;
use crate::domain::disclosure::{to_csv, DisclosureRow};
use crate::domain::{CaseId, Timestamp};
use crate::error::Error;
use crate::http::response::api_headers;
use crate::http::{cursor, header, limit, ok, path_id, query, Caller, Claims};
use crate::store::{Page, Wanted};
use crate::App;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use lambda_http::{Body, Request, Response};

/// Rows of a CSV page: at most this many (a row with the longest names and ids is about 2 KB, so a
/// page stays under 1 MiB).
pub const MAX_CSV_ROWS: usize = 400;

/// `GET /v1/cases/{caseId}/disclosures`: one of the caller's cases' record, oldest first; the case
/// may be transferred out (its record stays with it).
pub(crate) async fn case_disclosures(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let id: CaseId = path_id(req, "caseId")?;
    let (limit, cursor) = (limit(req)?, cursor(req)?);
    let (_, (case, page)) = as_caller(app, req, |c| {
        let id = id.clone();
        async move {
            let case = app.store.case(&c.district_id, &id);
            let page = app.store.case_disclosures(&c.district_id, &id, limit, cursor.as_deref());
            tokio::try_join!(case, page)
        }
    })
    .await?;
    case.ok_or(Error::NotFound)?;
    ok(&page)
}

/// `YYYY-MM-DD` of `name`, if given.
fn date(req: &Request, name: &str) -> Result<Option<NaiveDate>, Error> {
    query(req, name)?
        .map(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| Error::invalid(name, "a date as YYYY-MM-DD")))
        .transpose()
}

/// The start of `day` in the district's time zone (the first instant that exists that day).
fn start_of(day: NaiveDate, tz: Tz) -> Result<Timestamp, Error> {
    let midnight = day.and_hms_opt(0, 0, 0).ok_or_else(|| Error::invalid("from", "a date as YYYY-MM-DD"))?;
    let local = tz.from_local_datetime(&midnight).earliest().or_else(|| {
        // A zone that skips midnight that day starts it an hour later.
        tz.from_local_datetime(&(midnight + chrono::Duration::hours(1))).earliest()
    });
    local.map(|t| Timestamp(t.with_timezone(&chrono::Utc))).ok_or_else(|| Error::invalid("from", "not a day here"))
}

/// The range `from`..=`to` (the district's days) as instants, `to` exclusive; absent ends are open.
fn range(req: &Request, tz: Tz) -> Result<(Timestamp, Timestamp), Error> {
    let (from, to) = (date(req, "from")?, date(req, "to")?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(Error::invalid("to", "on or after from"));
        }
    }
    let start = match from {
        Some(d) => start_of(d, tz)?,
        None => Timestamp(chrono::DateTime::UNIX_EPOCH),
    };
    // Stored times are four-digit years: a later end (year 10000 prints as "+10000") is the last one.
    let last = Timestamp(chrono::Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single().unwrap_or_default());
    let end = match to.and_then(|d| d.succ_opt()) {
        Some(d) => start_of(d, tz)?.min(last),
        None => last,
    };
    Ok((start, end))
}

fn wants_csv(req: &Request) -> bool {
    header(req, "accept").is_some_and(|a| a.split(',').any(|p| p.trim().starts_with("text/csv")))
}

/// `GET /v1/disclosures?from=&to=&limit=&cursor=`: the district's rows in a range of its days,
/// newest first; with `Accept: text/csv`, the same rows as a CSV file.
pub(crate) async fn export(app: &App, req: &Request) -> Result<Response<Body>, Error> {
    let csv = wants_csv(req);
    let limit = match (csv, query(req, "limit")?) {
        (true, None) => MAX_CSV_ROWS,
        (true, Some(v)) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_CSV_ROWS).contains(&n) => n,
            _ => return Err(Error::invalid("limit", format!("a whole number from 1 to {MAX_CSV_ROWS}"))),
        },
        (false, _) => limit(req)?,
    };
    let cursor = cursor(req)?;
    // The days are the district's: its time zone is read first.
    let claims = Claims::from_request(req, &app.config)?;
    let mut reads = app.store.read_with_caller(&claims.district_id, &claims.user_id, Wanted::default()).await?;
    let caller = Caller::resolve(&claims, &mut reads)?;
    let (from, to) = range(req, caller.district.district.tz())?;
    // A range that ends before the portal's first day (a `to` in year 214) holds nothing.
    let page = if from < to {
        app.store.district_disclosures(caller.district_id(), from, to, limit, cursor.as_deref()).await?
    } else {
        Page { items: vec![], next_cursor: None }
    };
    if !csv {
        return ok(&page);
    }
    csv_page(req, &page, limit)
}

fn csv_page(req: &Request, page: &Page<DisclosureRow>, limit: usize) -> Result<Response<Body>, Error> {
    let failed = |e: &dyn std::fmt::Display| Error::unavailable(format!("writing the CSV export: {e}"));
    let text = to_csv(&page.items).map_err(|e| failed(&e))?;
    let mut response = api_headers(Response::builder())
        .status(200)
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", "attachment; filename=\"disclosures.csv\"");
    if let Some(next) = &page.next_cursor {
        let mut params = vec![format!("limit={limit}"), format!("cursor={next}")];
        for name in ["from", "to"] {
            if let Some(v) = query(req, name)? {
                params.push(format!("{name}={v}"));
            }
        }
        response = response.header("link", format!("</v1/disclosures?{}>; rel=\"next\"", params.join("&")));
    }
    response.body(Body::Text(text)).map_err(|e| failed(&e))
}
