//! `caseNumber` is unique within its district (`fixtures.md`): an import is checked against the
//! numbers the table already holds, before anything is written.

use super::ids::{CaseId, DistrictId};
use super::import::{problem, shown, ImportFile, Problem};
use std::collections::{HashMap, HashSet};

/// The case numbers a district already has in the table: `(case, number)`.
pub type StoredNumbers = HashMap<DistrictId, Vec<(CaseId, String)>>;

/// `caseNumber` is unique within its district against what is stored too: a number the file gives a
/// case may not be held by another stored case, unless the file renumbers that case as well.
pub fn conflicts_with_stored(file: &ImportFile, stored: &StoredNumbers) -> Vec<Problem> {
    let in_file: HashSet<(&DistrictId, &CaseId)> = file.cases.iter().map(|c| (&c.district_id, &c.id)).collect();
    let mut holder: HashMap<(&DistrictId, &str), &CaseId> = HashMap::new();
    for (district, numbers) in stored {
        for (case, number) in numbers {
            if !in_file.contains(&(district, case)) {
                holder.insert((district, number.as_str()), case);
            }
        }
    }
    let mut problems = Vec::new();
    for (i, c) in file.cases.iter().enumerate() {
        if let Some(other) = holder.get(&(&c.district_id, c.header.case_number.as_str())) {
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
