//! What `portal serve --demo` leaves for a person who just started it: the demo users' API tokens and a
//! curl line each, in a file (`.local/demo-tokens.sh`, readable by its owner only), so that the terminal
//! ends with what to open and whom to sign in as, not with 30 lines of tokens.

use crate::{env, token};
use shared::config::Config;
use std::path::PathBuf;

/// Writes the tokens file for the users of the bundled demo; returns its path.
pub fn write_tokens(config: &Config, base: &str) -> Result<PathBuf, String> {
    let file = shared::domain::import::parse(crate::DEMO).map_err(|p| format!("{p:?}"))?;
    let mut text = String::from("# Demo users of `portal serve --demo`: `source` this file (tokens valid 8 hours).\n");
    for user in &file.users {
        let t = token::mint(&env::jwt_secret(), user, config, chrono::Duration::hours(8))?;
        let perms: Vec<String> = user.permissions.iter().map(|p| format!("{p:?}")).collect();
        let name = user.id.as_str().trim_start_matches("u-").to_uppercase();
        text.push_str(&format!("\n# {} ({}, {}, {})\n", user.name, user.id, user.district_id, perms.join("+")));
        text.push_str(&format!("export TOKEN_{name}={t}\n"));
        text.push_str(&format!("# curl -s -H \"Authorization: Bearer $TOKEN_{name}\" {base}/v1/settings/transfers\n"));
    }
    let path = PathBuf::from(env::LOCAL_DATA_DIR).join("demo-tokens.sh");
    std::fs::create_dir_all(env::LOCAL_DATA_DIR).map_err(|e| format!("creating {}: {e}", env::LOCAL_DATA_DIR))?;
    write_private(&path, &text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// The last lines of the start-up output: where to go, and as whom.
pub fn ready(base: &str, web: bool, tokens: Option<&std::path::Path>) {
    eprintln!();
    if web {
        eprintln!("Ready. Open {base}/ in a browser and sign in as Alice Ng (Springfield Unified, sends cases)");
        eprintln!("or Carol Diaz (Shelbyville Public Schools, receives them).");
    } else {
        eprintln!("Ready. The API answers on {base}/v1 (no web client built: ./scripts/run-local.sh builds it).");
    }
    if let Some(path) = tokens {
        eprintln!("API tokens and curl lines of the demo users: `source {}`. Ctrl-C stops.", path.display());
    } else {
        eprintln!("Ctrl-C stops.");
    }
}
