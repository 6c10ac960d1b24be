//! The HTTP edge: reading an API Gateway v2 request, the caller's identity, and the one place that
//! turns an `Error` into `application/problem+json`.

pub mod identity;
pub mod problem;
pub mod request;
pub mod response;

pub use identity::{Caller, Claims};
pub use request::*;
pub use response::*;
