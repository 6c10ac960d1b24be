//! The limits of an import file's fields (`fixtures.md`, api.md v1.2), and how a value is shown in a
//! problem's message.

use super::import::{problem, Problem};

/// A user's phone number (api.md v1.2).
pub const MAX_PHONE_CHARS: usize = 40;
/// At most this many entries in one case's history (`fixtures.md`).
pub const MAX_ENTRIES_PER_CASE: usize = 10_000;
/// At most this many characters in one entry's text (`fixtures.md`): 80 KB of UTF-8 at worst, so an
/// entry always fits a DynamoDB item.
pub const MAX_ENTRY_TEXT_CHARS: usize = 20_000;
/// The short fields (names, building, team, case number, ...): the spec sets no limit, so one that keeps
/// a case item, which holds a dozen of them, far below DynamoDB's 400 KB.
pub const MAX_FIELD_CHARS: usize = 500;

pub(crate) fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// A short field: not too long, no control characters at all.
pub(crate) fn short_field(path: String, value: &str, problems: &mut Vec<Problem>) {
    if value.chars().count() > MAX_FIELD_CHARS {
        problems.push(problem(path, format!("at most {MAX_FIELD_CHARS} characters")));
    } else if value.chars().any(char::is_control) {
        problems.push(problem(path, "control characters are not allowed"));
    }
}

/// A value from the file, cut short for a message.
pub fn shown(value: &str) -> String {
    let mut out: String = value.chars().filter(|c| !c.is_control()).take(60).collect();
    if value.chars().count() > 60 {
        out.push('…');
    }
    out
}
