//! The `portal` command as a library, so the end-to-end tests run the very same local API.

pub mod demo;
pub mod env;
pub mod front_door;
pub mod import;
pub mod lambda;
pub mod serve;
pub mod stream;
pub mod token;
pub mod web;

/// The bundled demo data (`fixtures.md` format).
pub const DEMO: &str = include_str!("../demo/demo.json");
