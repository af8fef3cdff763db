//! `companion-server`: run the sync server, or administer it.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use companion_server::quota::QuotaLimits;
use companion_server::serve::{serve as serve_http, ConnLimits};
use companion_server::{api, metrics_router, open_db, router, spawn_housekeeping, tls, ApiConfig, AppState};

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
    /// Where `/metrics` is served (plain HTTP), apart from the API: loopback by default, so only
    /// this machine's monitoring reads it; `off` serves none.
    #[arg(long, env = "COMPANION_SERVER_METRICS_LISTEN", default_value = "127.0.0.1:9420")]
    metrics_listen: String,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Limits that keep the server up (docs/protocol.md, "Limits").
#[derive(Args, Clone)]
struct LimitArgs {
    /// Most connections at once; at the cap a new one evicts the connection that has waited
    /// on its client longest. Keep it below the process's file descriptor limit (`ulimit -n`).
    #[arg(long, env = "COMPANION_SERVER_MAX_CONNECTIONS", default_value_t = 512)]
    max_connections: usize,
    /// Seconds a request head may take to arrive (and a TLS handshake).
    #[arg(long, default_value_t = 10)]
    header_timeout_secs: u64,
    /// Seconds a request body may take to arrive.
    #[arg(long, default_value_t = 60)]
    body_timeout_secs: u64,
    /// Seconds a connection may sit without a request.
    #[arg(long, default_value_t = 30)]
    idle_timeout_secs: u64,
    /// Storage one device may use, in MiB (sealed chunks and snapshots of its shares).
    #[arg(long, env = "COMPANION_SERVER_DEVICE_QUOTA_MIB", default_value_t = 64)]
    device_quota_mib: u64,
    /// Shares one device may have at once.
    #[arg(long, default_value_t = 64)]
    device_share_limit: u64,
    /// Storage all shares addressed to one clinic may use, in GiB.
    #[arg(long, env = "COMPANION_SERVER_CLINIC_QUOTA_GIB", default_value_t = 16)]
    clinic_quota_gib: u64,
    /// Shares that may be addressed to one clinic at once.
    #[arg(long, default_value_t = 20_000)]
    clinic_share_limit: u64,
    /// Days audit rows are kept.
    #[arg(long, env = "COMPANION_SERVER_AUDIT_RETENTION_DAYS", default_value_t = 180)]
    audit_retention_days: u64,
    /// Days a clinician is told of a share its client erased.
    #[arg(long, default_value_t = 90)]
    tombstone_days: u64,
}

const DAY: Duration = Duration::from_secs(24 * 3600);

impl LimitArgs {
    fn connections(&self) -> ConnLimits {
        ConnLimits {
            max_connections: self.max_connections.max(1),
            header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
            body_timeout: Duration::from_secs(self.body_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs.max(1)),
        }
    }

    fn apply(&self, config: ApiConfig) -> ApiConfig {
        ApiConfig {
            quotas: QuotaLimits {
                device_bytes: self.device_quota_mib.saturating_mul(1 << 20),
                device_shares: self.device_share_limit,
                clinic_bytes: self.clinic_quota_gib.saturating_mul(1 << 30),
                clinic_shares: self.clinic_share_limit,
            },
            audit_retention: DAY.saturating_mul(u32::try_from(self.audit_retention_days).unwrap_or(u32::MAX)),
            tombstone_ttl: DAY.saturating_mul(u32::try_from(self.tombstone_days).unwrap_or(u32::MAX)),
            ..config
        }
    }
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
    /// Delete audit rows older than the retention period (or `--older-than-days`) and
    /// tombstones of erased shares past theirs, now (the server also does so every hour).
    Purge {
        /// Delete audit rows older than this many days instead of the retention period.
        #[arg(long)]
        older_than_days: Option<u64>,
        #[command(flatten)]
        limits: LimitArgs,
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
    let config = args.limits.apply(ApiConfig {
        public_url: public_url.clone(),
        secure_cookies: public_url.starts_with("https://"),
        ..ApiConfig::default()
    });
    let state: Arc<AppState> = AppState::new(db, config).await.map_err(|e| e.to_string())?;
    spawn_housekeeping(Arc::clone(&state));
    let metrics_at = serve_metrics(&args.metrics_listen, Arc::clone(&state)).await?;
    let app = router(Arc::clone(&state));
    // Printing must never stop the server (stdout may be a closed pipe).
    let say = |line: String| {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    };
    say(format!("companion-server {} listening on {scheme}://{addr} ({backend})", env!("CARGO_PKG_VERSION")));
    let metrics_line = match metrics_at {
        Some(a) => format!("http://{a}/metrics (this machine only)"),
        None => "not served".into(),
    };
    say(format!("  health:   {public_url}/healthz    metrics: {metrics_line}"));
    say("  next:     companion-server admin create-clinic --name \"Your clinic\"   (prints a clinician invite)".into());
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let tls = match (args.tls_cert, args.tls_key) {
        (Some(cert), Some(key)) => Some(tls::server_config(&cert, &key)?),
        _ => None,
    };
    serve_http(tcp, tls, app, args.limits.connections(), Arc::clone(&state.conn_stats), shutdown).await;
    Ok(())
}

/// Serve `/metrics` on its own listener (plain HTTP); `off` serves none.
async fn serve_metrics(listen: &str, state: Arc<AppState>) -> Result<Option<SocketAddr>, String> {
    if listen == "off" {
        return Ok(None);
    }
    let addr: SocketAddr = listen.parse().map_err(|_| format!("--metrics-listen: not an address: {listen}"))?;
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "metrics are served beyond this machine");
    }
    // Metrics are for monitoring: a taken port must not stop the server itself.
    let tcp = match tokio::net::TcpListener::bind(addr).await {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(%addr, error = %e, "metrics are not served: cannot listen");
            return Ok(None);
        }
    };
    let local = tcp.local_addr().map_err(|e| e.to_string())?;
    let limits = ConnLimits { max_connections: 16, ..ConnLimits::default() };
    let stats = Arc::new(companion_server::serve::ConnStats::default());
    tokio::spawn(serve_http(tcp, None, metrics_router(state), limits, stats, std::future::pending()));
    Ok(Some(local))
}

async fn admin(store: StoreArgs, cmd: Admin) -> Result<(), String> {
    let db = companion_server::open_db_for_admin(store.database.as_deref(), &store.data_dir).await?;
    let config = match &cmd {
        Admin::Purge { limits, .. } => limits.apply(ApiConfig::default()),
        _ => ApiConfig::default(),
    };
    let state = AppState::new(db, config).await.map_err(|e| e.to_string())?;
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
        Admin::Purge { older_than_days, .. } => {
            let retention = older_than_days.map(|d| DAY.saturating_mul(u32::try_from(d).unwrap_or(u32::MAX)));
            let purged = state.purge_history(retention).await.map_err(|e| e.to_string())?;
            println!("Deleted {} audit row(s) and {} tombstone(s).", purged.audit, purged.tombstones);
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
