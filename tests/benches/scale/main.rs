//! The scale benchmark: `cargo bench -p e2e --bench scale`. Prints, in one run:
//!
//! 1. the benchmark transfer (25 cases of 2,000 entries of 500 characters, sent in one request) through
//!    the release function binaries, one process per call as in Lambda: time, response size and the
//!    process's own peak RSS for send, verify, details, a page of a frozen history, accept and a page
//!    of the new case's history;
//! 2. case search in a district of 500 cases and one of 50,000 (same table, same mix of names): a last
//!    name held by one case and the first page of a team name held by a tenth of the district, latency
//!    and DynamoDB calls side by side, with their ratio;
//! 3. contention: ten concurrent accepts into one district, ten identical sends with one key.
//!
//! Everything runs against Dynoxide on this machine; the numbers compare designs, they are not AWS's.
//! `SCALE_PARTS=heavy,search,contention` (the default: all) runs only some.

mod contention;
mod function;
mod heavy;
mod runtime;
mod search;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let parts = std::env::var("SCALE_PARTS").unwrap_or_else(|_| "heavy,search,contention".into());
    let wanted = |part: &str| parts.split(',').any(|p| p.trim() == part);
    rt.block_on(async {
        if wanted("heavy") {
            heavy::run().await;
        }
        if wanted("search") {
            search::run().await;
        }
        if wanted("contention") {
            contention::run().await;
        }
    });
}
