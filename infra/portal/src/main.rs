//! `portal`: create-table, import, token, serve, outbox. See `fixtures.md` and the README.

use clap::{Parser, Subcommand};
use portal::{env, import::ImportOutcome, serve, token};
use shared::store::import::ImportProgress;
use shared::App;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "portal", about = "District Transfer Portal: local API and operations tooling")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the table if it is missing (the same definition as template.yaml).
    CreateTable,
    /// Check an import file (every problem, with its JSON path) and upsert it only if it is all good.
    Import {
        file: String,
        /// Write the file's users over those already stored. Without it, users that exist are kept
        /// as their district's administrators left them (an older file never reverts them).
        #[arg(long)]
        overwrite_users: bool,
    },
    /// Print a local HS256 token for a user that exists in the table.
    Token {
        user_id: String,
        /// The user's district, needed when districts share the user id.
        #[arg(long)]
        district: Option<String>,
        #[arg(long, default_value = "8h")]
        ttl: String,
    },
    /// Serve the whole API locally with the same handlers as the Lambda functions.
    Serve {
        #[arg(long, env = "PORT", default_value_t = 3000)]
        port: u16,
        /// Import the bundled demo data and print a token and a curl line per demo user.
        #[arg(long)]
        demo: bool,
        /// The built web client to serve at `/` (`npm run build` in web/); not served if missing.
        #[arg(long, env = "PORTAL_WEB_DIR", default_value = "web/dist")]
        web: std::path::PathBuf,
        /// Sign the web client in by OIDC (authorization code + PKCE) against this issuer instead of
        /// the local user list (with `--oidc-client-id`).
        #[arg(long, env = "OIDC_ISSUER", requires = "oidc_client_id")]
        oidc_issuer: Option<String>,
        #[arg(long, env = "OIDC_CLIENT_ID")]
        oidc_client_id: Option<String>,
        /// Invoke each route's function through this Lambda Invoke API (`sam local start-lambda`)
        /// instead of in this process; tokens are still verified here.
        #[arg(long, env = "PORTAL_LAMBDA_ENDPOINT")]
        lambda_endpoint: Option<String>,
    },
    /// List the mail kept by the local outbox of `portal serve` (when no SES endpoint is configured).
    Outbox,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("portal: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn app() -> Result<App, String> {
    App::from_env().await.map_err(cause)
}

/// A progress bar on a terminal; nothing when the output goes to a file or a pipe (CI, scripts).
fn progress_bar() -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let style = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} items written, {eta} left")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    indicatif::ProgressBar::new(0).with_style(style)
}

/// What went wrong, for a person at a terminal: the cause behind a 503, not the SDK's debug dump.
fn cause(e: shared::Error) -> String {
    match e {
        shared::Error::Unavailable(cause) => cause,
        other => other.to_string(),
    }
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    env::local_defaults();
    shared::telemetry::init();
    match cli.command {
        Command::CreateTable => {
            env::point_at_local_dynamodb();
            let app = app().await?;
            let created = shared::store::table::create_or_upgrade_table(app.store.client(), app.store.table_name())
                .await
                .map_err(cause)?;
            println!("table {} {}", app.store.table_name(), if created { "created" } else { "already exists" });
        }
        Command::Import { file, overwrite_users } => {
            env::point_at_local_dynamodb();
            let text = std::fs::read_to_string(&file).map_err(|e| format!("reading {file}: {e}"))?;
            let app = app().await?;
            shared::store::table::create_table(app.store.client(), app.store.table_name()).await.map_err(cause)?;
            let bar = progress_bar();
            let progress = |p: ImportProgress| match p {
                ImportProgress::Writing { items } => bar.set_length(items as u64),
                ImportProgress::Wrote { items } => bar.inc(items as u64),
            };
            let options = shared::store::import::ImportOptions { overwrite_users };
            let outcome = portal::import::run_with(&app.store, &text, options, &progress).await;
            bar.finish_and_clear();
            match outcome.map_err(cause)? {
                ImportOutcome::Imported(c) => {
                    println!(
                        "imported {} districts, {} users, {} students, {} cases ({} entries, {} of them already \
                         stored and kept as they were)",
                        c.districts, c.users, c.students, c.cases, c.entries, c.entries_kept
                    );
                    if c.users_kept > 0 {
                        println!(
                            "{} user(s) of the file were already in the table: kept as they are (--overwrite-users \
                             writes the file's over them)",
                            c.users_kept
                        );
                    }
                    if c.cases_kept > 0 {
                        println!(
                            "{} case(s) of the file were created by the portal from a transfer: kept as they \
                             were sent (only new entries added)",
                            c.cases_kept
                        );
                    }
                }
                ImportOutcome::Rejected(problems) => {
                    eprintln!("{file}: {} problem(s); nothing was written", problems.len());
                    for p in problems {
                        eprintln!("  {p}");
                    }
                    return Ok(ExitCode::from(2));
                }
            }
        }
        Command::Token { user_id, district, ttl } => {
            env::point_at_local_dynamodb();
            let app = app().await?;
            let user = token::find_user(&app.store, &user_id, district.as_deref()).await?;
            println!("{}", token::mint(&env::jwt_secret(), &user, &app.config, token::parse_ttl(&ttl)?)?);
        }
        Command::Serve { port, demo, web, oidc_issuer, oidc_client_id, lambda_endpoint } => {
            let oidc = match oidc_issuer.zip(oidc_client_id) {
                Some((issuer, client_id)) => {
                    let keys = std::sync::Arc::new(token::OidcKeys::fetch(&issuer, &client_id).await?);
                    eprintln!("signing in through {issuer} (OIDC, client {client_id}); local tokens are refused");
                    Some(portal::web::Oidc { issuer, client_id, keys })
                }
                None => None,
            };
            serve_command(port, demo, web, portal::web::Auth { oidc }, lambda_endpoint).await?
        }
        Command::Outbox => {
            let path = format!("{}/outbox.jsonl", env::LOCAL_DATA_DIR);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.is_empty() {
                println!("the local outbox is empty ({path})");
            }
            for line in text.lines() {
                let mail: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
                println!(
                    "to {}: {}\n{}\n",
                    mail["to"].as_str().unwrap_or(""),
                    mail["subject"].as_str().unwrap_or(""),
                    mail["text"].as_str().unwrap_or("")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How often the local stream consumer reads the table's stream: in-app notices appear within this.
const STREAM_POLL: std::time::Duration = std::time::Duration::from_millis(200);

/// What Lambda's event source mapping does in AWS: the table's stream to the `deliver` handler (in this
/// process, or the function in SAM's container). From now on: anything written while `serve` was not
/// running is the scheduled deliverer's.
async fn spawn_stream_consumer(app: &App, lambda_endpoint: Option<&str>) -> Result<(), String> {
    use portal::stream::{Start, StreamConsumer, Target};
    let target = match lambda_endpoint {
        Some(endpoint) => Target::Lambda(endpoint.into()),
        None => Target::InProcess(Box::new(app.clone())),
    };
    let streams = portal::stream::streams_client().await?;
    let consumer =
        StreamConsumer::new(app.store.client().clone(), streams, app.store.table_name(), target, Start::Latest)
            .with_dead_letters(format!("{}/stream-dead-letters.jsonl", env::LOCAL_DATA_DIR));
    std::sync::Arc::new(consumer).spawn(STREAM_POLL);
    eprintln!(
        "Notifications: the table's stream is read every {} ms (the deliver handler, off the request path)",
        STREAM_POLL.as_millis()
    );
    Ok(())
}

async fn serve_command(
    port: u16,
    demo: bool,
    web: std::path::PathBuf,
    auth: portal::web::Auth,
    lambda_endpoint: Option<String>,
) -> Result<(), String> {
    if !env::dynamodb_endpoint_configured() {
        let addr = env::embed_dynamodb().await?;
        env::use_dynamodb_at(addr);
        eprintln!("embedded DynamoDB (Dynoxide) on http://{addr}, data in {}/", env::LOCAL_DATA_DIR);
    }
    let mut app = app().await?;
    if !env::ses_endpoint_configured() {
        std::fs::create_dir_all(env::LOCAL_DATA_DIR).map_err(|e| format!("creating {}: {e}", env::LOCAL_DATA_DIR))?;
        app.mailer = shared::mail::Mailer::local_file(format!("{}/outbox.jsonl", env::LOCAL_DATA_DIR));
        eprintln!(
            "no SES endpoint configured: mail goes to the local outbox ({}/outbox.jsonl, `portal outbox`)",
            env::LOCAL_DATA_DIR
        );
    } else if let shared::mail::Mailer::Ses(ses) = &app.mailer {
        // A local SES emulator (moto) only sends from a verified identity; verifying it there is
        // harmless, and against real SES the identity is managed outside this command.
        let from = app.config.mail_from.clone().unwrap_or_default();
        match ses.client().create_email_identity().email_identity(&from).send().await {
            Ok(_) => eprintln!("SES endpoint configured: verified {from} there; mail goes to SES"),
            Err(_) => eprintln!("SES endpoint configured: mail goes to SES from {from}"),
        }
    }
    shared::store::table::create_or_upgrade_table(app.store.client(), app.store.table_name()).await.map_err(cause)?;
    // Bound first, so `--port 0` (a free port, for tests and scripts) prints the port it got.
    let listener =
        tokio::net::TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| format!("binding port {port}: {e}"))?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    // Links in mail lead to the origin this serves (the client's session is per origin), unless set.
    if std::env::var("APP_BASE_URL").is_err() {
        app.config.app_base_url = base.clone();
    }
    let mut tokens = None;
    if demo {
        match portal::import::run(&app.store, portal::DEMO).await.map_err(cause)? {
            ImportOutcome::Imported(c) => {
                eprintln!("demo data: {} districts, {} users, {} cases", c.districts, c.users, c.cases)
            }
            ImportOutcome::Rejected(p) => return Err(format!("the bundled demo file is invalid: {p:?}")),
        }
        tokens = Some(portal::demo::write_tokens(&app.config, &base)?);
    }
    let every = std::env::var("JOBS_INTERVAL_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5u64);
    serve::spawn_jobs(app.clone(), std::time::Duration::from_secs(every.max(1)));
    spawn_stream_consumer(&app, lambda_endpoint.as_deref()).await?;
    eprintln!("District Transfer Portal API on {base} (GET {base}/v1/health)");
    let mut local = serve::Local::new(app, &env::jwt_secret());
    if let Some(endpoint) = lambda_endpoint {
        eprintln!("Each request's function runs behind the Lambda endpoint {endpoint}");
        local.lambda_endpoint = Some(endpoint.into());
    }
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    local.port = Some(port);
    let has_web = web.join("index.html").is_file();
    if has_web {
        if auth.oidc.is_none() {
            eprintln!(
                "The web client on {base}/ with the development sign-in (any user of the table), answered \
                 only for http://127.0.0.1:{port}, http://localhost:{port} and http://[::1]:{port}"
            );
        } else {
            eprintln!("The web client on {base}/ (sign-in by the OIDC issuer; no development sign-in)");
        }
        local = local.with_web(web, auth);
    } else {
        eprintln!("No web client at {} (./scripts/run-local.sh builds it)", web.display());
    }
    portal::demo::ready(&base, has_web, tokens.as_deref());
    let door = portal::front_door::FrontDoor::new(listener).map_err(|e| e.to_string())?;
    axum::serve(door, serve::router(local))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
