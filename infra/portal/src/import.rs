//! `portal import FILE`: check the whole file, write nothing if anything is wrong, then upsert.

use shared::domain::import;
use shared::store::import::ImportCounts;
use shared::store::Store;

pub enum ImportOutcome {
    Imported(ImportCounts),
    Rejected(Vec<import::Problem>),
}

pub async fn run(store: &Store, text: &str) -> Result<ImportOutcome, shared::Error> {
    match import::parse(text) {
        Err(problems) => Ok(ImportOutcome::Rejected(problems)),
        Ok(file) => Ok(ImportOutcome::Imported(store.import(&file).await?)),
    }
}
