//! `portal import FILE`: check the whole file, write nothing if anything is wrong, then upsert.

use shared::domain::import;
use shared::store::import::{ImportCounts, ImportOptions, ImportProgress};
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
    run_with(store, text, ImportOptions::default(), progress).await
}

/// The same, as `options` say (`--overwrite-users`).
pub async fn run_with(
    store: &Store,
    text: &str,
    options: ImportOptions,
    progress: &(dyn Fn(ImportProgress) + Sync),
) -> Result<ImportOutcome, shared::Error> {
    // Every problem in one pass: those of the file, then those against the table, of every record
    // that could be read, before anything is written.
    let (file, mut problems) = import::check(text);
    let readable = !problems.iter().any(|p| p.path == "$");
    if readable && !file.districts.is_empty() {
        let stored = store.stored_cases(&file).await?;
        problems.extend(import::conflicts_with_stored(&file, &stored));
    }
    if !problems.is_empty() {
        return Ok(ImportOutcome::Rejected(problems));
    }
    Ok(ImportOutcome::Imported(store.import_with(&file, options, progress).await?))
}
