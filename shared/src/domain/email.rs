//! What the portal takes for an email address: where its mail goes, so a typing slip is caught where it
//! is made (an import, an invitation), not when a message bounces.

/// One address, `local@domain.tld`: no spaces, no angle brackets or commas (one address, never a list
/// or a display name), a dot inside the domain.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses() {
        for (s, ok) in [
            ("alice@springfield.k12.example", true),
            ("a@b.c", true),
            ("alice", false),
            ("@b.c", false),
            ("a@b", false),
            ("a@.b", false),
            ("a@b.", false),
            ("a b@c.d", false),
            ("Alice <a@b.c>", false),
            ("a@b.c,d@e.f", false),
            ("a@b@c.d", false),
        ] {
            assert_eq!(super::is_email(s), ok, "{s}");
        }
    }
}
