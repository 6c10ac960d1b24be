//! Every route of the API, once: its method and path, the Lambda function that serves it, and its
//! handler. The functions, `portal serve` and the tests of `template.yaml` and `openapi.yaml` all read
//! this table. Adding a route is one line in `Route::spec` plus its handler; the match is exhaustive, so
//! a route without one does not compile.

use crate::error::Error;
use crate::ops;
use crate::App;
use lambda_http::{Body, Request, Response};
use std::future::Future;
use std::pin::Pin;
use strum::IntoEnumIterator;

/// The Lambda binaries that serve HTTP routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Function {
    Toggle,
    Send,
    List,
    Accept,
    Reject,
    Cancel,
    /// District administration: users and permissions (api.md v1.2).
    Admin,
}

impl Function {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::EnumIter)]
pub enum Route {
    Health,
    Me,
    GetTransferSetting,
    PutTransferSetting,
    GetDistrictSettings,
    PutDistrictSettings,
    GetCalendar,
    PutCalendar,
    MarkNotificationRead,
    Destinations,
    SearchCases,
    GetCase,
    CaseEntries,
    CaseDisclosures,
    Disclosures,
    ParentNotices,
    ParentNoticeDone,
    ParentNoticeNotRequired,
    SearchStudents,
    CaseValues,
    ListTransfers,
    GetTransfer,
    TransferEvents,
    TransferCaseEntries,
    CaseMatches,
    Notifications,
    SendTransfer,
    NewCode,
    Verify,
    Accept,
    Reject,
    Cancel,
    CreateRecordRequest,
    ListRecordRequests,
    GetRecordRequest,
    DeclineRecordRequest,
    WithdrawRecordRequest,
    ListUsers,
    InviteUser,
    ChangeUser,
    Audit,
}

/// A route's handler: the operation, its errors not yet turned into problem+json.
pub type Handler = for<'a> fn(&'a App, &'a Request) -> Pin<Box<dyn Future<Output = Reply> + Send + 'a>>;
pub type Reply = Result<Response<Body>, Error>;

/// What a route is.
#[derive(Clone, Copy)]
pub struct Spec {
    pub method: &'static str,
    pub path: &'static str,
    pub function: Function,
    /// Served without a token (API Gateway: no authorizer on this route).
    pub public: bool,
    pub handler: Handler,
}

macro_rules! route {
    ($method:literal $path:literal, $function:ident, $handler:path) => {
        route!($method $path, $function, $handler, false)
    };
    ($method:literal $path:literal, $function:ident, $handler:path, $public:literal) => {
        Spec {
            method: $method,
            path: $path,
            function: Function::$function,
            public: $public,
            handler: |app, req| Box::pin($handler(app, req)),
        }
    };
}

impl Route {
    pub fn spec(self) -> Spec {
        use ops::*;
        match self {
            Route::Health => route!("GET" "/v1/health", List, list::health, true),
            Route::Me => route!("GET" "/v1/me", List, list::me),
            Route::GetTransferSetting => route!("GET" "/v1/settings/transfers", Toggle, toggle::get),
            Route::PutTransferSetting => route!("PUT" "/v1/settings/transfers", Toggle, toggle::put),
            Route::GetDistrictSettings => route!("GET" "/v1/settings/district", Toggle, settings::get_district),
            Route::PutDistrictSettings => route!("PUT" "/v1/settings/district", Toggle, settings::put_district),
            Route::GetCalendar => route!("GET" "/v1/settings/calendar", Toggle, settings::get_calendar),
            Route::PutCalendar => route!("PUT" "/v1/settings/calendar", Toggle, settings::put_calendar),
            Route::MarkNotificationRead => route!("POST" "/v1/notifications/{id}/read", Toggle, toggle::read),
            Route::Destinations => route!("GET" "/v1/districts", List, list::districts),
            Route::SearchCases => route!("GET" "/v1/cases", List, list::cases),
            Route::GetCase => route!("GET" "/v1/cases/{caseId}", List, list::case),
            Route::CaseEntries => route!("GET" "/v1/cases/{caseId}/entries", List, list::case_entries),
            Route::CaseDisclosures => {
                route!("GET" "/v1/cases/{caseId}/disclosures", List, disclosures::case_disclosures)
            }
            Route::Disclosures => route!("GET" "/v1/disclosures", List, disclosures::export),
            Route::ParentNotices => route!("GET" "/v1/parent-notices", List, parent_notices::list),
            Route::ParentNoticeDone => {
                route!("POST" "/v1/parent-notices/{id}/done", Toggle, parent_notices::done)
            }
            Route::ParentNoticeNotRequired => {
                route!("POST" "/v1/parent-notices/{id}/not-required", Toggle, parent_notices::not_required)
            }
            Route::SearchStudents => route!("GET" "/v1/students", List, list::students),
            Route::CaseValues => route!("GET" "/v1/case-values", List, desk::case_values),
            Route::ListTransfers => route!("GET" "/v1/transfers", List, list::transfers),
            Route::GetTransfer => route!("GET" "/v1/transfers/{id}", List, list::transfer),
            Route::TransferEvents => route!("GET" "/v1/transfers/{id}/events", List, list::transfer_events),
            Route::TransferCaseEntries => {
                route!("GET" "/v1/transfers/{id}/cases/{sourceCaseId}/entries", List, list::transfer_case_entries)
            }
            Route::CaseMatches => {
                route!("GET" "/v1/transfers/{id}/cases/{sourceCaseId}/matches", List, desk::matches)
            }
            Route::Notifications => route!("GET" "/v1/notifications", List, list::notifications),
            Route::SendTransfer => route!("POST" "/v1/transfers", Send, send::send),
            Route::NewCode => route!("POST" "/v1/transfers/{id}/code", Send, send::regenerate),
            Route::Verify => route!("POST" "/v1/transfers/{id}/verify", Accept, accept::verify),
            Route::Accept => route!("POST" "/v1/transfers/{id}/accept", Accept, accept::accept),
            Route::Reject => route!("POST" "/v1/transfers/{id}/reject", Reject, decide::reject),
            Route::Cancel => route!("POST" "/v1/transfers/{id}/cancel", Cancel, decide::cancel),
            Route::CreateRecordRequest => route!("POST" "/v1/record-requests", Send, records::create),
            Route::ListRecordRequests => route!("GET" "/v1/record-requests", List, records::list),
            Route::GetRecordRequest => route!("GET" "/v1/record-requests/{id}", List, records::get),
            Route::DeclineRecordRequest => {
                route!("POST" "/v1/record-requests/{id}/decline", Reject, record_decisions::decline)
            }
            Route::WithdrawRecordRequest => {
                route!("POST" "/v1/record-requests/{id}/withdraw", Cancel, record_decisions::withdraw)
            }
            Route::ListUsers => route!("GET" "/v1/users", Admin, admin::list_users),
            Route::InviteUser => route!("POST" "/v1/users", Admin, admin::invite),
            Route::ChangeUser => route!("PUT" "/v1/users/{userId}", Admin, admin::change),
            Route::Audit => route!("GET" "/v1/audit", List, admin::audit_trail),
        }
    }

    /// `"POST /v1/transfers/{id}/accept"`: API Gateway's route key.
    pub fn key(self) -> String {
        let spec = self.spec();
        format!("{} {}", spec.method, spec.path)
    }

    pub fn all() -> impl Iterator<Item = Route> {
        Route::iter()
    }

    pub fn from_key(key: &str) -> Option<Route> {
        Route::all().find(|r| r.key() == key)
    }
}
