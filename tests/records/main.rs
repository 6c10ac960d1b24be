//! Records requests and the law's clock (issue 19, api.md v1.2): district settings and calendars.

mod requests;
mod settings;
