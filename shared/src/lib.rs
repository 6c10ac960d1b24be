//! District Transfer Portal: the domain crate. The rules live in `domain`, the adapters in `store`
//! (DynamoDB) and `mail` (SES), the HTTP edge in `http`, and one module per operation in `ops`.

pub mod domain;
pub mod error;
