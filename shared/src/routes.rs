//! Every route of the API and the function that serves it. `template.yaml`, `openapi.yaml` and the
//! local API are checked against this table by tests.

use crate::App;
use lambda_http::{Body, Request, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Toggle,
    Send,
    List,
    Accept,
    Reject,
    Cancel,
}

impl Function {
    pub fn name(self) -> &'static str {
        match self {
            Function::Toggle => "toggle",
            Function::Send => "send",
            Function::List => "list",
            Function::Accept => "accept",
            Function::Reject => "reject",
            Function::Cancel => "cancel",
        }
    }

    pub async fn handle(self, app: &App, req: Request) -> Response<Body> {
        let result = match self {
            Function::Toggle => crate::ops::toggle::handle(app, req).await,
            Function::Send => crate::ops::send::handle(app, req).await,
            Function::List => crate::ops::list::handle(app, req).await,
            Function::Accept => crate::ops::accept::handle(app, req).await,
            Function::Reject => crate::ops::reject::handle(app, req).await,
            Function::Cancel => crate::ops::cancel::handle(app, req).await,
        };
        match result {
            Ok(r) => r,
            Err(never) => match never {},
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub function: Function,
    /// Served without a token (API Gateway: no authorizer on this route).
    pub public: bool,
}

impl Route {
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

const fn route(method: &'static str, path: &'static str, function: Function) -> Route {
    Route { method, path, function, public: false }
}

pub const ROUTES: &[Route] = &[
    route("GET", "/v1/settings/transfers", Function::Toggle),
    route("PUT", "/v1/settings/transfers", Function::Toggle),
    route("POST", "/v1/notifications/{id}/read", Function::Toggle),
    route("GET", "/v1/districts", Function::List),
    route("GET", "/v1/cases", Function::List),
    route("GET", "/v1/cases/{caseId}", Function::List),
    route("GET", "/v1/students", Function::List),
    route("GET", "/v1/transfers", Function::List),
    route("GET", "/v1/transfers/{id}", Function::List),
    route("GET", "/v1/notifications", Function::List),
    Route { method: "GET", path: "/v1/health", function: Function::List, public: true },
    route("POST", "/v1/transfers", Function::Send),
    route("POST", "/v1/transfers/{id}/code", Function::Send),
    route("POST", "/v1/transfers/{id}/verify", Function::Accept),
    route("POST", "/v1/transfers/{id}/accept", Function::Accept),
    route("POST", "/v1/transfers/{id}/reject", Function::Reject),
    route("POST", "/v1/transfers/{id}/cancel", Function::Cancel),
];
