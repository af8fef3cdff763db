//! The HTTP API (docs/protocol.md, "HTTP API"): routes, shared state, errors, audit.

mod auth;
mod clinicians;
mod devices;
pub mod legacy;
mod login;
mod shares;

pub use auth::{hash_token, share_ref};

/// What the admin command does (create clinics and clinician invites).
pub mod clinicians_admin {
    pub use super::clinicians::{create_clinic, invite_clinician};
}

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use companion_core::protocol::wire::{ApiError, Quota};

use crate::db::{AuditEntry, Db, DbError};
use crate::metrics::Metrics;
use crate::quota::{QuotaLimits, UsageBook};
use crate::ratelimit::{LoginLimits, RateLimiter};
use crate::workpool::WorkPool;
use companion_core::protocol::opaque::{ServerKeys, ServerLoginState};

/// Largest JSON body for small requests.
pub const SMALL_BODY: usize = 64 * 1024;
/// Largest body carrying a chunk or snapshot (4 MiB sealed, base64url, JSON).
pub const CHUNK_BODY: usize = 6 * 1024 * 1024;

/// Settings the API needs.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// The address clients use, e.g. `https://sync.clinic.example`; goes into invites and is
    /// the only `Origin` accepted for cookie-authenticated writes.
    pub public_url: String,
    /// Set the session cookie's `Secure` attribute (`__Host-` cookies require it).
    pub secure_cookies: bool,
    pub session_ttl: Duration,
    pub invite_ttl: Duration,
    /// Requests per second per device / account, and the burst allowed.
    pub rate_per_sec: f64,
    pub rate_burst: f64,
    /// How long a login ticket (the separate allowance of a machine that logged in) lasts.
    pub ticket_ttl: Duration,
    /// A request header that carries the client's address, set by a reverse proxy in front
    /// (for example `x-forwarded-for`); without one, the connection's peer address.
    pub client_ip_header: Option<String>,
    /// Threads for the login's CPU work, and how many such jobs may wait before more are
    /// refused as busy.
    pub login_threads: usize,
    pub login_queue: usize,
    /// Storage allowances per device and per clinic.
    pub quotas: QuotaLimits,
    /// How long a recipient is told of an erased share (its tombstone lives).
    pub tombstone_ttl: Duration,
    /// How long audit rows are kept.
    pub audit_retention: Duration,
}

/// A day.
const DAY: Duration = Duration::from_secs(24 * 3600);

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            public_url: "http://127.0.0.1:8420".into(),
            secure_cookies: true,
            session_ttl: Duration::from_secs(12 * 3600),
            invite_ttl: Duration::from_secs(14 * 24 * 3600),
            rate_per_sec: 50.0,
            rate_burst: 200.0,
            ticket_ttl: Duration::from_secs(90 * 24 * 3600),
            client_ip_header: None,
            login_threads: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            login_queue: 64,
            quotas: QuotaLimits::default(),
            tombstone_ttl: 90 * DAY,
            audit_retention: 180 * DAY,
        }
    }
}

/// Who may reach a share and how: fixed when the share is created, so it can be cached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareAccess {
    pub device_id: String,
    pub clinician_id: String,
    /// The recipient's clinic (its storage allowance is charged).
    pub clinic_id: String,
    pub recipient_may_append: bool,
}

/// Where a request comes from (an address, as text), for the login limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSource(pub String);

/// Everything handlers share.
pub struct AppState {
    pub db: Db,
    pub secret: [u8; 32],
    /// The server's OPAQUE keys.
    opaque: Arc<ServerKeys>,
    pub config: ApiConfig,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
    pub login_limits: LoginLimits,
    /// Invite lookups per source (unauthenticated, naming a secret).
    pub invite_lookups: RateLimiter,
    /// Storage used per device and clinic, against [`ApiConfig::quotas`].
    pub usage: UsageBook,
    /// What the connection layer counts ([`crate::serve`]), for `/metrics`.
    pub conn_stats: Arc<crate::serve::ConnStats>,
    /// The bounded pool for the login's CPU work.
    pub work: WorkPool,
    /// Device public keys never change once registered.
    pub(crate) device_keys: RwLock<HashMap<String, [u8; 32]>>,
    /// Shares known to exist (and their parties); dropped on erasure. Another process may
    /// erase a share meanwhile: the storage operation then finds no share and the erasure
    /// record answers 410, so a stale entry can never serve erased data.
    pub(crate) shares: RwLock<HashMap<[u8; 16], ShareAccess>>,
    audit_tx: mpsc::UnboundedSender<AuditEntry>,
    audit_queued: AtomicU64,
    audit_done: AtomicU64,
}

/// Write audit entries in batches, off the request path (each batch is one transaction).
fn spawn_audit_writer(state: std::sync::Weak<AppState>, mut rx: mpsc::UnboundedReceiver<AuditEntry>) {
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while batch.len() < 1024 {
                match rx.try_recv() {
                    Ok(e) => batch.push(e),
                    Err(_) => break,
                }
            }
            let Some(st) = state.upgrade() else { break };
            let n = batch.len();
            if let Err(err) = st.db.audit(batch).await {
                tracing::error!(entries = n, error = %err, "audit write failed");
            }
            st.audit_done.fetch_add(n as u64, Ordering::SeqCst);
        }
    });
}

impl AppState {
    pub async fn new(db: Db, config: ApiConfig) -> Result<Arc<AppState>, DbError> {
        let fresh: [u8; 32] =
            companion_core::crypto::random_array().map_err(|_| DbError::Storage("no randomness".into()))?;
        let secret = <[u8; 32]>::try_from(db.server_value("secret", fresh.to_vec()).await?.as_slice())
            .map_err(|_| DbError::Storage("the stored server secret is damaged".into()))?;
        let fresh = ServerKeys::generate().map_err(|_| DbError::Storage("no randomness".into()))?;
        let stored = db.server_value("opaque", fresh.to_bytes().to_vec()).await?;
        let opaque = Arc::new(
            ServerKeys::from_bytes(&stored)
                .map_err(|_| DbError::Storage("the stored OPAQUE keys are damaged".into()))?,
        );
        let limiter = RateLimiter::new(config.rate_per_sec, config.rate_burst);
        let usage = UsageBook::new(config.quotas);
        let work = WorkPool::new(config.login_threads, config.login_queue);
        let (audit_tx, audit_rx) = mpsc::unbounded_channel();
        let st = Arc::new(AppState {
            db,
            secret,
            opaque,
            config,
            metrics: Metrics::default(),
            limiter,
            login_limits: LoginLimits::default(),
            invite_lookups: RateLimiter::new(1.0 / 6.0, 10.0),
            usage,
            conn_stats: Arc::default(),
            work,
            device_keys: RwLock::new(HashMap::new()),
            shares: RwLock::new(HashMap::new()),
            audit_tx,
            audit_queued: AtomicU64::new(0),
            audit_done: AtomicU64::new(0),
        });
        spawn_audit_writer(Arc::downgrade(&st), audit_rx);
        Ok(st)
    }

    /// Wait (up to 5 s) until every audit entry queued so far is written (tests, shutdown).
    pub async fn flush_audit(&self) {
        let target = self.audit_queued.load(Ordering::SeqCst);
        for _ in 0..2500 {
            if self.audit_done.load(Ordering::SeqCst) >= target {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }

    /// OPAQUE's registration response for `email`, computed on the bounded pool.
    pub(crate) async fn opaque_registration_response(&self, request: Vec<u8>, email: String) -> ApiResult<Vec<u8>> {
        let keys = Arc::clone(&self.opaque);
        self.work
            .run(move || keys.registration_response(&request, &email))
            .await
            .map_err(|_| ApiFailure::busy())?
            .map_err(|_| ApiFailure::bad_request("request: not an OPAQUE registration request"))
    }

    /// OPAQUE's KE2 for KE1 (a fake one when `record` is `None`), on the bounded pool.
    pub(crate) async fn opaque_login_response(
        &self,
        record: Option<Vec<u8>>,
        request: Vec<u8>,
        email: String,
    ) -> ApiResult<(ServerLoginState, Vec<u8>)> {
        let keys = Arc::clone(&self.opaque);
        self.work
            .run(move || keys.login_response(login::record_of(record).as_ref(), &request, &email))
            .await
            .map_err(|_| ApiFailure::busy())?
            .map_err(|_| ApiFailure::bad_request("request: not an OPAQUE login request"))
    }

    /// Drop what is cached of an unpaired device: its key and its shares.
    pub(crate) fn forget_device(&self, device: &str, shares: &[[u8; 16]]) {
        if let Ok(mut m) = self.device_keys.write() {
            m.remove(device);
        }
        if let Ok(mut m) = self.shares.write() {
            for s in shares {
                m.remove(s);
            }
        }
    }

    /// Delete audit rows and tombstones past their periods (housekeeping and the admin
    /// command); `audit_retention` overrides the configured one.
    pub async fn purge_history(&self, audit_retention: Option<Duration>) -> Result<crate::db::Purged, DbError> {
        let now = self.now_ms();
        let before = |d: Duration| now.saturating_sub(i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let audit = audit_retention.unwrap_or(self.config.audit_retention);
        self.db.purge_history(before(audit), before(self.config.tombstone_ttl)).await
    }

    pub fn now_ms(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
    }

    /// Write an audit entry; a failure to audit is logged, never shown to the client.
    pub(crate) async fn audit(
        &self,
        actor: &str,
        action: &'static str,
        share_ref: Option<[u8; 32]>,
        status: StatusCode,
    ) {
        // Queued: written within milliseconds, in a batch, off the request path. A failure to
        // audit is logged, never shown to the client.
        let e =
            AuditEntry { at_ms: self.now_ms(), actor: actor.to_string(), action, share_ref, status: status.as_u16() };
        self.audit_queued.fetch_add(1, Ordering::SeqCst);
        if self.audit_tx.send(e).is_err() {
            tracing::error!(action, "audit queue closed");
        }
    }
}

/// An API failure: status, stable code, sentence. Never carries client data.
#[derive(Debug)]
pub struct ApiFailure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl ApiFailure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiFailure { status, code, message: message.into(), retry_after: None }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "this share is not yours to reach")
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("no such {what}"))
    }
    pub fn gone() -> Self {
        Self::new(StatusCode::GONE, "erased", "this share was withdrawn and erased")
    }
    /// 429 with the wait in `Retry-After`.
    pub fn rate_limited(wait: Duration) -> Self {
        let mut f = Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "too many requests; slow down");
        f.retry_after = Some(wait.as_secs().max(1));
        f
    }
    /// 507: a storage allowance would be exceeded; the code names which.
    pub fn quota(q: Quota) -> Self {
        let message = match q {
            Quota::DeviceStorage => "this device has used up its storage on this server",
            Quota::DeviceShares => "this device has as many shares as this server allows",
            Quota::ClinicStorage => "the clinic has used up its storage on this server",
            Quota::ClinicShares => "the clinic has as many shares as this server allows",
        };
        Self::new(StatusCode::INSUFFICIENT_STORAGE, q.code(), message)
    }
    /// 503: the bounded work pool is full.
    pub fn busy() -> Self {
        let mut f = Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "the server is busy; try again in a moment");
        f.retry_after = Some(1);
        f
    }
}

impl From<DbError> for ApiFailure {
    fn from(e: DbError) -> Self {
        tracing::error!(error = %e, "storage failure");
        ApiFailure::new(StatusCode::SERVICE_UNAVAILABLE, "storage", "the server could not reach its storage; try again")
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let mut r =
            (self.status, Json(ApiError { error: self.code.to_string(), message: self.message })).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                r.headers_mut().insert("retry-after", v);
            }
        }
        r
    }
}

pub type ApiResult<T> = Result<T, ApiFailure>;

async fn healthz(State(st): State<Arc<AppState>>) -> Response {
    match st.db.clinic_exists("").await {
        Ok(_) => (StatusCode::OK, "ok\n").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "storage unavailable\n").into_response(),
    }
}

/// `GET /metrics`: served only by [`metrics_router`], on its own listener.
async fn metrics(State(st): State<Arc<AppState>>) -> Response {
    let body = st.metrics.render(st.db.backend(), &st.conn_stats);
    ([("content-type", "text/plain; version=0.0.4")], body).into_response()
}

async fn index() -> Html<&'static str> {
    Html(include_str!("index.html"))
}

async fn not_found() -> ApiFailure {
    ApiFailure::not_found("route")
}

/// Count, time and log every request (route template and status only; never bodies or ids).
async fn observe(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let route =
        req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    let start = Instant::now();
    let resp = next.run(req).await;
    let elapsed = start.elapsed();
    st.metrics.observe(&route, resp.status().as_u16(), elapsed);
    tracing::info!(method = %method, route = %route, status = resp.status().as_u16(), micros = elapsed.as_micros() as u64, "request");
    resp
}

/// Note where the request comes from: the configured proxy header's first address, else the
/// connection's peer, else "unknown" (in-process tests).
async fn client_source(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let from_header = st.config.client_ip_header.as_deref().and_then(|name| {
        let value = req.headers().get(name)?.to_str().ok()?;
        let first = value.split(',').next()?.trim();
        (!first.is_empty() && first.len() <= 64).then(|| first.to_string())
    });
    let peer =
        || req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
    let source = from_header.or_else(peer).unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(ClientSource(source));
    next.run(req).await
}

/// Security headers on every response.
async fn headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert("cache-control", HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("content-security-policy", HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"));
    resp
}

/// The whole application.
pub fn router(state: Arc<AppState>) -> Router {
    let small = Router::new()
        .route("/v1/clinicians/register/start", post(clinicians::register_start))
        .route("/v1/clinicians", post(clinicians::register))
        .route("/v1/sessions/start", post(login::start))
        .route("/v1/sessions/finish", post(login::finish))
        .route("/v1/sessions", delete(login::logout))
        .route("/v1/clinicians/prelogin", post(legacy::prelogin))
        .route("/v1/sessions/legacy", post(legacy::login))
        .route("/v1/clinicians/upgrade/start", post(legacy::upgrade_start))
        .route("/v1/clinicians/upgrade/finish", post(legacy::upgrade_finish))
        .route("/v1/me", get(clinicians::me))
        .route("/v1/invites", post(clinicians::create_invite))
        .route("/v1/invites/lookup", post(devices::lookup_invite))
        .route("/v1/clients", get(devices::clients))
        .route("/v1/devices", post(devices::register))
        .route("/v1/devices/me", delete(devices::unpair))
        .route("/v1/devices/me/label", put(devices::set_label))
        .route("/v1/shares", post(shares::create).get(shares::list))
        .route("/v1/shares/{id}", delete(shares::erase))
        .route("/v1/shares/{id}/chunks", get(shares::pull))
        .layer(DefaultBodyLimit::max(SMALL_BODY));
    let large = Router::new()
        .route("/v1/shares/{id}/chunks", post(shares::append))
        .route("/v1/shares/{id}/snapshot", put(shares::snapshot))
        .layer(DefaultBodyLimit::max(CHUNK_BODY));
    Router::new()
        .route("/", get(index))
        .route("/healthz", get(healthz))
        .merge(small)
        .merge(large)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&state), observe))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), client_source))
        .layer(middleware::from_fn(headers))
        .with_state(state)
}

/// The metrics endpoint alone, for its own listener (loopback by default): request counts and
/// latencies are for the operator, not for anyone who can reach the API.
pub fn metrics_router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(middleware::from_fn(headers))
        .with_state(state)
}
