//! Reading the parts of an API Gateway HTTP API v2 request: route, path, query, headers, JSON body.

use crate::error::{Error, FieldError};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde::de::DeserializeOwned;

/// `"POST /v1/transfers/{id}/accept"`, as API Gateway (and the local API) name the matched route.
pub fn route_key(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.route_key.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

pub fn request_id(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// An id in the path, parsed into its type. One that breaks the id rule names nothing that can
/// exist, so it is a 404 like any unknown id (api.md v1.1, "Input limits").
pub fn path_id<T: std::str::FromStr>(req: &Request, name: &str) -> Result<T, Error> {
    req.path_parameters_ref().and_then(|p| p.first(name)).and_then(|v| v.parse().ok()).ok_or(Error::NotFound)
}

/// A query parameter, read from the raw query string: API Gateway's parsed parameters join repeated
/// values with commas, which would split `q=Reyes, Jordan`. Given twice it is ambiguous, so it is
/// refused rather than one of them guessed; so is a value that is not UTF-8 or holds control characters.
pub fn query(req: &Request, name: &str) -> Result<Option<String>, Error> {
    let raw = req.uri().query().unwrap_or("");
    let mut found = None;
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if decode(k).as_deref() != Some(name) {
            continue;
        }
        if found.is_some() {
            return Err(Error::invalid(name, "given more than once"));
        }
        let value = decode(v).ok_or_else(|| Error::invalid(name, "not valid UTF-8"))?;
        if value.chars().any(char::is_control) {
            return Err(Error::invalid(name, "control characters are not allowed"));
        }
        found = Some(value);
    }
    Ok(found)
}

/// `application/x-www-form-urlencoded` decoding that refuses bytes which are not UTF-8 instead of
/// replacing them.
fn decode(s: &str) -> Option<String> {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus).decode_utf8().ok().map(|c| c.into_owned())
}

/// The pagination cursor; an empty one (`?cursor=`, as web clients send for the first page) is none.
pub fn cursor(req: &Request) -> Result<Option<String>, Error> {
    Ok(query(req, "cursor")?.filter(|c| !c.is_empty()))
}

/// `limit` from 1 to 100, 25 if absent.
pub fn limit(req: &Request) -> Result<usize, Error> {
    match query(req, "limit")? {
        None => Ok(25),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(Error::invalid("limit", "a whole number from 1 to 100")),
        },
    }
}

pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Parses the JSON body, naming the field that is wrong. An empty body reads as `{}`, so operations
/// whose fields are all optional (reject, cancel) accept none.
/// Whether the request has a body at all (most routes read a missing one as `{}`).
pub fn has_body(req: &Request) -> bool {
    match req.body() {
        Body::Empty => false,
        Body::Text(t) => !t.trim().is_empty(),
        Body::Binary(b) => !b.iter().all(u8::is_ascii_whitespace),
        _ => false,
    }
}

pub fn parse_json<T: DeserializeOwned>(req: &Request) -> Result<T, Error> {
    let bytes: &[u8] = match req.body() {
        Body::Empty => b"{}",
        Body::Text(t) if t.trim().is_empty() => b"{}",
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => b"{}",
    };
    // serde reads a struct from a JSON array too (`[]` would be an empty reason): only objects count.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Error::invalid("body", "expected a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let field = if path == "." { missing_field(&inner.to_string()).unwrap_or_else(|| "body".into()) } else { path };
        let message =
            if inner.is_syntax() || inner.is_eof() { "malformed JSON".to_string() } else { clean(&inner.to_string()) };
        Error::Validation(vec![FieldError::new(field, message)])
    })?;
    // The body is one object and nothing after it: `{"enabled":true} {"enabled":false}` is not
    // the first object, it is a body the caller did not mean.
    de.end().map_err(|_| Error::invalid("body", "unexpected characters after the JSON object"))?;
    Ok(value)
}

/// serde says "missing field `caseIds` at line 1 column 2"; the caller wants `caseIds`.
fn missing_field(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_owned())
}

fn clean(msg: &str) -> String {
    msg.split(" at line ").next().unwrap_or(msg).to_owned()
}
