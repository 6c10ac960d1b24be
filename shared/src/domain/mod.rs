//! The domain: the model and the rules of the portal, in plain Rust with no AWS types.

pub mod case;
pub mod code;
pub mod ids;
pub mod import;
pub mod model;
pub mod notification;
pub mod search;
pub mod transfer;

#[cfg(test)]
mod transfer_tests;

pub use case::*;
pub use code::{AuthCode, CodeHash, SecretKey};
pub use ids::*;
pub use model::*;
pub use transfer::*;
