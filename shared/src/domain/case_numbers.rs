//! Case numbers: unique within their district (`fixtures.md`), checked against the numbers the table
//! already holds before anything is written; and bounded, so that the district's case sequence, which
//! continues after the highest number a district imported, can always give out the next one.

use super::ids::{CaseId, DistrictId};
use super::import::{problem, shown, ImportFile, Problem};
use std::collections::{HashMap, HashSet};

/// The highest number a district's case sequence gives out, and so the highest number an imported
/// case number may end in: nine digits, far beyond any district's cases, and far below what the
/// sequence's counter holds, so that reserving numbers can never overflow it.
pub const CASE_SEQUENCE_MAX: u64 = 999_999_999;

/// What a case number says about the sequence: the number it ends in (`2026-0042` ends in 42), if it
/// ends in digits after its last `-` (or is all digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequencePart {
    /// No digits at the end: the sequence does not continue after it.
    None,
    Number(u64),
    /// More than the sequence can hold.
    TooLarge,
}

pub fn sequence_part(case_number: &str) -> SequencePart {
    let tail = case_number.rsplit('-').next().unwrap_or_default();
    if tail.is_empty() || !tail.bytes().all(|b| b.is_ascii_digit()) {
        return SequencePart::None;
    }
    match tail.trim_start_matches('0').parse::<u64>() {
        _ if tail.bytes().all(|b| b == b'0') => SequencePart::Number(0),
        Ok(n) if n <= CASE_SEQUENCE_MAX => SequencePart::Number(n),
        _ => SequencePart::TooLarge,
    }
}

/// The case numbers a district already has in the table: `(case, number)`.
pub type StoredNumbers = HashMap<DistrictId, Vec<(CaseId, String)>>;

/// What the table already holds of the file's districts' cases.
#[derive(Debug, Clone, Default)]
pub struct StoredCases {
    pub numbers: StoredNumbers,
    /// The cases the portal created on accept: an import never rewrites them (they are records another
    /// district sent), so their numbers stay held whatever the file says of them.
    pub kept: HashSet<(DistrictId, CaseId)>,
}

/// `caseNumber` is unique within its district against what is stored too: a number the file gives a
/// case may not be held by another stored case, unless the file renumbers that case as well.
pub fn conflicts_with_stored(file: &ImportFile, stored: &StoredCases) -> Vec<Problem> {
    let kept = &stored.kept;
    let in_file: HashSet<(&DistrictId, &CaseId)> = file
        .cases
        .iter()
        .filter(|c| !kept.contains(&(c.district_id.clone(), c.id.clone())))
        .map(|c| (&c.district_id, &c.id))
        .collect();
    let mut holder: HashMap<(&DistrictId, &str), &CaseId> = HashMap::new();
    for (district, numbers) in &stored.numbers {
        for (case, number) in numbers {
            if !in_file.contains(&(district, case)) {
                holder.insert((district, number.as_str()), case);
            }
        }
    }
    let mut problems = Vec::new();
    for (i, c) in file.cases.iter().enumerate() {
        let Some(other) = holder.get(&(&c.district_id, c.header.case_number.as_str())) else { continue };
        if *other != &c.id {
            problems.push(problem(
                format!("$.cases[{i}].caseNumber"),
                format!(
                    "case number {} is already used by case {other} of {}",
                    shown(&c.header.case_number),
                    c.district_id
                ),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_part_of_a_case_number() {
        use SequencePart::*;
        let table = [
            ("2026-0042", Number(42)),
            ("2026-0000", Number(0)),
            ("42", Number(42)),
            ("BT-2026-000999999999", Number(999_999_999)),
            ("2026-1000000000", TooLarge),
            ("18446744073709551615", TooLarge),
            ("2026-18446744073709551616", TooLarge),
            ("2026-99999999999999999999999999999999999999", TooLarge),
            ("2026-A7", None),
            ("2026-", None),
            ("CASE", None),
            ("2026-١٢", None),
            ("", None),
        ];
        for (number, want) in table {
            assert_eq!(sequence_part(number), want, "{number}");
        }
    }
}
