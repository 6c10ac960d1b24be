//! Opaque ids: a kind prefix and a ULID, so that ids sort by creation time and cannot be guessed.

use rand::{rand_core::UnwrapErr, rngs::SysRng, RngExt};

pub fn new_id(kind: &str) -> String {
    let ms = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let random: u128 = UnwrapErr(SysRng).random();
    format!("{kind}-{}", ulid::Ulid::from_parts(ms, random).to_string().to_lowercase())
}
