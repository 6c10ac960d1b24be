//! The out-of-band authentication code. Shown to the sender once, shared by phone or in person, and
//! kept only as a keyed hash: HMAC-SHA256 under a server secret, salted per transfer.

use base64::{engine::general_purpose::STANDARD_NO_PAD as B64, Engine};
use hmac::{Hmac, KeyInit, Mac};
use rand::{rand_core::UnwrapErr, rngs::SysRng, RngExt};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;

/// No 0/O, 1/I/L or U/V look-alikes: 29 symbols, so 10 of them carry 48.6 bits.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
const LENGTH: usize = 10;

/// A plain code. Its `Debug` is redacted so it cannot reach a log through `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthCode(String);

impl fmt::Debug for AuthCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthCode(<redacted>)")
    }
}

impl AuthCode {
    /// Draws a fresh code from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut rng = UnwrapErr(SysRng);
        let code = (0..LENGTH).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
        AuthCode(code)
    }

    /// Normalises what a person typed: case, spaces and dashes do not matter. Anything else that is
    /// not a code symbol makes it a code that can never match.
    pub fn from_input(input: &str) -> Self {
        AuthCode(input.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect())
    }

    /// The code as people read it aloud: two groups of five, `7KQ4M-9XDAB`.
    pub fn display(&self) -> String {
        let (a, b) = self.0.split_at(self.0.len().min(LENGTH / 2));
        format!("{a}-{b}")
    }

    pub fn bits_of_entropy() -> f64 {
        LENGTH as f64 * (ALPHABET.len() as f64).log2()
    }
}

/// What is stored of a code: the salt and the MAC, never the code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeHash {
    pub salt: String,
    pub mac: String,
}

impl fmt::Debug for CodeHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeHash(<redacted>)")
    }
}

/// The server secret that keys code hashes (and, derived from it, cursor signatures).
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

type HmacSha256 = Hmac<Sha256>;

impl SecretKey {
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        SecretKey(secret.into())
    }

    fn mac(&self, purpose: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(purpose);
        mac
    }

    pub fn hash(&self, code: &AuthCode) -> CodeHash {
        let mut salt = [0u8; 16];
        UnwrapErr(SysRng).fill(&mut salt);
        let salt = B64.encode(salt);
        let mut mac = self.mac(b"auth-code\0");
        mac.update(salt.as_bytes());
        mac.update(code.0.as_bytes());
        CodeHash { salt, mac: B64.encode(mac.finalize().into_bytes()) }
    }

    /// Constant-time comparison (`verify_slice`), so timing does not tell how much of a guess was right.
    pub fn verify(&self, code: &AuthCode, stored: &CodeHash) -> bool {
        let Ok(expected) = B64.decode(&stored.mac) else {
            return false;
        };
        let mut mac = self.mac(b"auth-code\0");
        mac.update(stored.salt.as_bytes());
        mac.update(code.0.as_bytes());
        mac.verify_slice(&expected).is_ok()
    }

    /// A MAC over `parts` for another purpose (cursor signatures), separated from code hashes.
    pub fn sign(&self, purpose: &str, payload: &[u8]) -> Vec<u8> {
        let mut mac = self.mac(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(payload);
        mac.finalize().into_bytes().to_vec()
    }

    pub fn check(&self, purpose: &str, payload: &[u8], tag: &[u8]) -> bool {
        let mut mac = self.mac(purpose.as_bytes());
        mac.update(b"\0");
        mac.update(payload);
        mac.verify_slice(tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_at_least_40_bits_and_avoid_look_alikes() {
        assert!(AuthCode::bits_of_entropy() >= 40.0);
        for bad in b"01ILOUV" {
            assert!(!ALPHABET.contains(bad));
        }
        let code = AuthCode::generate();
        assert_eq!(code.0.len(), LENGTH);
        assert!(code.0.bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn two_codes_differ() {
        assert_ne!(AuthCode::generate(), AuthCode::generate());
    }

    #[test]
    fn display_groups_and_input_normalises() {
        let code = AuthCode("7KQ4M9XDAB".into());
        assert_eq!(code.display(), "7KQ4M-9XDAB");
        assert_eq!(AuthCode::from_input(" 7kq4m - 9xdab "), code);
    }

    #[test]
    fn debug_never_shows_the_code() {
        let code = AuthCode("7KQ4M9XDAB".into());
        assert!(!format!("{code:?}").contains("7KQ4"));
    }

    #[test]
    fn hashes_verify_only_the_right_code_under_the_right_key() {
        let key = SecretKey::new("k".repeat(32));
        let code = AuthCode::generate();
        let stored = key.hash(&code);
        assert!(key.verify(&code, &stored));
        assert!(key.verify(&AuthCode::from_input(&code.display().to_lowercase()), &stored));
        assert!(!key.verify(&AuthCode::generate(), &stored));
        assert!(!SecretKey::new("other").verify(&code, &stored));
        // A per-transfer salt: the same code hashes differently twice.
        assert_ne!(key.hash(&code).mac, stored.mac);
        assert!(!stored.mac.contains(&code.0));
    }
}
