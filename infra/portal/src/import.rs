//! `portal import FILE`: check the whole file, write nothing if anything is wrong, then upsert.

use shared::domain::import;
use shared::store::import::{ImportCounts, ImportProgress};
use shared::store::Store;

pub enum ImportOutcome {
    Imported(ImportCounts),
    Rejected(Vec<import::Problem>),
}

/// Checks the file on its own, then against what is stored (case numbers taken by other cases), and
/// writes only when both find nothing: a file that cannot be written whole is refused before any write.
pub async fn run(store: &Store, text: &str) -> Result<ImportOutcome, shared::Error> {
    run_reporting(store, text, &|_| {}).await
}

/// The same, telling `progress` how the writing goes (the command's progress bar).
pub async fn run_reporting(
    store: &Store,
    text: &str,
    progress: &(dyn Fn(ImportProgress) + Sync),
) -> Result<ImportOutcome, shared::Error> {
    let file = match import::parse(text) {
        Err(problems) => return Ok(ImportOutcome::Rejected(problems)),
        Ok(file) => file,
    };
    let stored = store.stored_case_numbers(&file).await?;
    let conflicts = import::conflicts_with_stored(&file, &stored);
    if !conflicts.is_empty() {
        return Ok(ImportOutcome::Rejected(conflicts));
    }
    Ok(ImportOutcome::Imported(store.import_reporting(&file, progress).await?))
}
