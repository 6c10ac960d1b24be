//! Opaque ids: a kind prefix and a ULID, so that ids sort by creation time and cannot be guessed.

pub fn new_id(kind: &str) -> String {
    format!("{kind}-{}", ulid::Ulid::new().to_string().to_lowercase())
}
