//! District Transfer Portal: the domain crate. The rules live in `domain`, the adapters in `store`
//! (DynamoDB) and `mail` (SES), the HTTP edge in `http`, and one module per operation in `ops`.

mod app;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod mail;
pub mod ops;
pub mod routes;
pub mod secrets;
pub mod store;
pub mod telemetry;
pub mod user_pool;

pub use app::{https_client, App};
pub use error::Error;
