//! `companion-server`: run the sync server, or administer it.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use companion_server::{api, open_db, router, spawn_housekeeping, tls, ApiConfig, AppState};

/// The recovery companion's sync server: relays end-to-end encrypted shares between clients
/// and clinicians, and cannot read them.
#[derive(Parser)]
#[command(name = "companion-server", version)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct StoreArgs {
    /// Directory for the embedded SQLite database (created on first start).
    #[arg(long, global = true, env = "COMPANION_SERVER_DATA_DIR", default_value = "companion-server-data")]
    data_dir: PathBuf,
    /// Use PostgreSQL instead: postgres://user:password@host/database
    #[arg(long, global = true, env = "COMPANION_SERVER_DATABASE")]
    database: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Administer clinics and clinician invites.
    #[command(subcommand)]
    Admin(Admin),
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "COMPANION_SERVER_LISTEN", default_value = "127.0.0.1:8420")]
    listen: SocketAddr,
    /// The address clients use (goes into invites); defaults to the listen address.
    #[arg(long, env = "COMPANION_SERVER_PUBLIC_URL")]
    public_url: Option<String>,
    /// TLS certificate chain (PEM).
    #[arg(long, env = "COMPANION_SERVER_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "COMPANION_SERVER_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Allow plain HTTP on a non-loopback address (development only; never in production).
    #[arg(long)]
    insecure_http: bool,
    /// Log as JSON lines instead of text.
    #[arg(long)]
    json_logs: bool,
}

#[derive(Subcommand)]
enum Admin {
    /// Create a clinic and print a first clinician invite.
    CreateClinic {
        #[arg(long)]
        name: String,
        /// The address clinicians use, for the instructions printed.
        #[arg(long, env = "COMPANION_SERVER_PUBLIC_URL", default_value = "http://127.0.0.1:8420")]
        public_url: String,
    },
    /// Print another clinician invite for a clinic.
    InviteClinician {
        #[arg(long)]
        clinic: String,
    },
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("companion-server: {msg}");
    std::process::exit(1)
}

async fn serve(store: StoreArgs, args: ServeArgs) -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if args.json_logs {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).json().init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }
    let tls_on = args.tls_cert.is_some();
    if !tls_on && !args.listen.ip().is_loopback() && !args.insecure_http {
        return Err(format!(
            "refusing plain HTTP on {}: give --tls-cert and --tls-key, or listen on 127.0.0.1 (--insecure-http exists for development only)",
            args.listen
        ));
    }
    let scheme = if tls_on { "https" } else { "http" };
    let tcp = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = tcp.local_addr().map_err(|e| e.to_string())?;
    let public_url = args.public_url.clone().unwrap_or_else(|| format!("{scheme}://{addr}"));
    let db = open_db(store.database.as_deref(), &store.data_dir).await?;
    let backend = match store.database {
        Some(_) => "PostgreSQL".to_string(),
        None => format!("SQLite at {}", store.data_dir.join("server.db").display()),
    };
    let config = ApiConfig {
        public_url: public_url.clone(),
        secure_cookies: public_url.starts_with("https://"),
        ..ApiConfig::default()
    };
    let state: Arc<AppState> = AppState::new(db, config).await.map_err(|e| e.to_string())?;
    spawn_housekeeping(Arc::clone(&state));
    let app = router(state);
    // Printing must never stop the server (stdout may be a closed pipe).
    let say = |line: String| {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    };
    say(format!("companion-server {} listening on {scheme}://{addr} ({backend})", env!("CARGO_PKG_VERSION")));
    say(format!("  health:   {public_url}/healthz    metrics: {public_url}/metrics"));
    say("  next:     companion-server admin create-clinic --name \"Your clinic\"   (prints a clinician invite)".into());
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => {
            let cfg = tls::server_config(&cert, &key)?;
            let listener = tls::TlsListener::new(tcp, cfg).map_err(|e| e.to_string())?;
            axum::serve(listener, app).with_graceful_shutdown(shutdown).await.map_err(|e| e.to_string())
        }
        _ => axum::serve(tcp, app).with_graceful_shutdown(shutdown).await.map_err(|e| e.to_string()),
    }
}

async fn admin(store: StoreArgs, cmd: Admin) -> Result<(), String> {
    let db = companion_server::open_db_for_admin(store.database.as_deref(), &store.data_dir).await?;
    let state = AppState::new(db, ApiConfig::default()).await.map_err(|e| e.to_string())?;
    match cmd {
        Admin::CreateClinic { name, public_url } => {
            let (id, token) = api::clinicians_admin::create_clinic(&state, &name).await.map_err(|e| e.message)?;
            println!("Created clinic {id}.");
            println!("First clinician invite (single use, valid 14 days): {token}");
            println!("The clinician creates their account with it, for example:");
            println!("  companion-clinician --server {public_url} register --invite {token} --email you@clinic.example --name \"Your name\"");
        }
        Admin::InviteClinician { clinic } => {
            let token = api::clinicians_admin::invite_clinician(&state, &clinic).await.map_err(|e| e.message)?;
            println!("Clinician invite for {clinic} (single use, valid 14 days): {token}");
        }
    }
    Ok(())
}

fn main() {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => fail(format!("cannot start the runtime: {e}")),
    };
    let result = rt.block_on(async move {
        match cli.command {
            Command::Admin(a) => admin(cli.store, a).await,
            Command::Serve(s) => serve(cli.store, s).await,
        }
    });
    if let Err(e) = result {
        fail(e);
    }
}
