//! Test harness: the server in-process (SQLite in a temp dir, or PostgreSQL in a fresh schema),
//! and a client that plays a device and a clinician with the protocol's real cryptography.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, b64, opaque, ChunkId, ChunkKind, DeviceKey, RecipientSecret, ShareId, ShareKey};
use companion_server::{router, ApiConfig, AppState, Db};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

pub struct Harness {
    pub app: Router,
    pub state: Arc<AppState>,
    pub backend: Backend,
}

/// The PostgreSQL URL for tests, if configured. With COMPANION_REQUIRE_POSTGRES=1 a missing URL
/// fails the test instead of skipping it.
pub fn postgres_url() -> Option<String> {
    match std::env::var("COMPANION_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("COMPANION_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("COMPANION_REQUIRE_POSTGRES=1 but COMPANION_TEST_POSTGRES_URL is not set");
            }
            eprintln!("skipping the PostgreSQL run: COMPANION_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// A fresh, empty schema on the test PostgreSQL, as a URL whose connections use it.
pub async fn fresh_pg_schema(url: &str) -> String {
    let schema = format!(
        "t_{}",
        b64(&companion_core::crypto::random_array::<9>().unwrap()).to_lowercase().replace(['-', '_'], "x")
    );
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect to test PostgreSQL");
    tokio::spawn(conn);
    client.batch_execute(&format!("CREATE SCHEMA {schema}")).await.unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// The configuration every harness starts from.
pub fn test_config() -> ApiConfig {
    ApiConfig {
        public_url: "https://sync.test.invalid".into(),
        client_ip_header: Some(SOURCE_HEADER.into()),
        ..ApiConfig::default()
    }
}

impl Harness {
    pub async fn sqlite() -> Harness {
        Self::sqlite_with(test_config()).await
    }

    pub async fn sqlite_with(config: ApiConfig) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let db = companion_server::open_db(None, dir.path()).await.unwrap();
        Self::with(db, Backend::Sqlite(dir), config).await
    }

    pub async fn postgres(url: &str) -> Harness {
        Self::postgres_with(url, test_config()).await
    }

    pub async fn postgres_with(url: &str, config: ApiConfig) -> Harness {
        let scoped = fresh_pg_schema(url).await;
        let db = companion_server::open_db(Some(&scoped), std::path::Path::new("/nonexistent")).await.unwrap();
        Self::with(db, Backend::Postgres(scoped), config).await
    }

    /// A fresh server on the same kind of storage as this one, with another configuration.
    pub async fn same_kind(&self, config: ApiConfig) -> Harness {
        match &self.backend {
            Backend::Sqlite(_) => Self::sqlite_with(config).await,
            Backend::Postgres(_) => Self::postgres_with(&postgres_url().unwrap(), config).await,
        }
    }

    async fn with(db: Db, backend: Backend, config: ApiConfig) -> Harness {
        let state = AppState::new(db, config).await.unwrap();
        Harness { app: router(Arc::clone(&state)), state, backend }
    }

    /// Send a request; returns status, response headers and body.
    pub async fn send(&self, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, body)
    }

    pub async fn json<T: serde::de::DeserializeOwned>(&self, req: Request<Body>, want: StatusCode) -> T {
        let (s, _, b) = self.send(req).await;
        assert_eq!(s, want, "unexpected status; body: {}", String::from_utf8_lossy(&b));
        serde_json::from_slice(&b).unwrap()
    }

    pub async fn status(&self, req: Request<Body>) -> StatusCode {
        self.send(req).await.0
    }

    /// A clinician account as version 1 left it (salt, PBKDF2-derived auth secret hashed with
    /// Argon2id, private key wrapped under the PBKDF2 wrap key), written straight into the
    /// database as the migration leaves it. Returns the account id and its key pair.
    pub async fn legacy_clinician(&self, email: &str, passphrase: &[u8]) -> (String, RecipientSecret) {
        let (clinic, _) =
            companion_server::api::clinicians_admin::create_clinic(&self.state, "Old Clinic").await.unwrap();
        let salt = companion_core::crypto::random_array::<16>().unwrap();
        let keys = protocol::derive_clinician_keys(passphrase, &salt, protocol::CLINICIAN_KDF_ITERATIONS).unwrap();
        let secret = RecipientSecret::generate().unwrap();
        let wrapped = protocol::wrap_recipient_secret(keys.wrap_key(), email, &secret).unwrap();
        let hash_salt = companion_core::crypto::random_array::<16>().unwrap();
        let auth_hash = companion_server::api::legacy::hash_auth_secret(&keys.auth_secret(), hash_salt).unwrap();
        let id = format!("cl_old{}", hex(&companion_core::crypto::random_array::<4>().unwrap()));
        let public = secret.public().0.to_vec();
        let iterations = i64::from(protocol::CLINICIAN_KDF_ITERATIONS);
        let clinician =
            "INSERT INTO clinicians (id, clinic_id, email, display_name, public_key, wrapped_private_key, created_ms)
                         VALUES ($1, $2, $3, 'Dr Old Example', $4, $5, 1)";
        let legacy = "INSERT INTO legacy_logins (clinician_id, salt, iterations, auth_hash) VALUES ($1, $2, $3, $4)";
        match &self.backend {
            Backend::Sqlite(dir) => {
                let c = rusqlite::Connection::open(dir.path().join("server.db")).unwrap();
                c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
                c.execute(&clinician.replace('$', "?"), rusqlite::params![id, clinic, email, public, wrapped]).unwrap();
                c.execute(&legacy.replace('$', "?"), rusqlite::params![id, salt.to_vec(), iterations, auth_hash])
                    .unwrap();
            }
            Backend::Postgres(url) => {
                let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(conn);
                c.execute(clinician, &[&id, &clinic, &email, &public, &wrapped]).await.unwrap();
                c.execute(legacy, &[&id, &salt.to_vec(), &iterations, &auth_hash]).await.unwrap();
            }
        }
        (id, secret)
    }

    /// A clinic with one clinician, logged in.
    pub async fn clinician(&self, email: &str) -> Clinician {
        let (_, token) =
            companion_server::api::clinicians_admin::create_clinic(&self.state, "Test Clinic").await.unwrap();
        Clinician::register(self, &token, email).await
    }
}

/// The header the harness's server takes a request's source address from (as behind a proxy).
pub const SOURCE_HEADER: &str = "x-test-source";

/// `req`, as if it came from `source`.
pub fn from_source(mut req: Request<Body>, source: &str) -> Request<Body> {
    req.headers_mut().insert(SOURCE_HEADER, source.parse().unwrap());
    req
}

pub fn post_json(path: &str, body: &impl serde::Serialize) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

/// The passphrase test clinicians register with.
pub const PASSPHRASE: &[u8] = b"clinician passphrase for the server suite";

/// A clinician with their keys, as the dashboard would hold them.
pub struct Clinician {
    pub email: String,
    pub token: String,
    pub account: ClinicianAccount,
    pub secret: RecipientSecret,
    pub ticket: String,
    /// The session cookie the login set.
    pub cookie: String,
}

/// Why a login did not go through.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The client's OPAQUE check failed (wrong passphrase, unknown or limited account).
    ByClient,
    /// The server answered with this status.
    ByServer(StatusCode),
}

impl Clinician {
    /// Register with OPAQUE as the clinician's side does, then log in.
    pub async fn register(h: &Harness, invite_token: &str, email: &str) -> Clinician {
        let (state, request) = opaque::client_start_registration(PASSPHRASE).unwrap();
        let start = RegistrationStart { invite_token: invite_token.into(), email: email.into(), request: B64(request) };
        let started: RegistrationStarted =
            h.json(post_json("/v1/clinicians/register/start", &start), StatusCode::OK).await;
        let (upload, wrap) = opaque::client_finish_registration(state, PASSPHRASE, &started.response.0, email).unwrap();
        let secret = RecipientSecret::generate().unwrap();
        let reg = RegisterClinician {
            invite_token: invite_token.into(),
            email: email.into(),
            display_name: "Dr Sam Example".into(),
            upload: B64(upload),
            public_key: B64(secret.public().0.to_vec()),
            wrapped_private_key: B64(protocol::wrap_recipient_secret(&wrap, email, &secret).unwrap()),
        };
        let _: ClinicianAccount = h.json(post_json("/v1/clinicians", &reg), StatusCode::CREATED).await;
        Self::login(h, email, PASSPHRASE).await
    }

    /// Log in as the dashboard does (OPAQUE), and unwrap the key.
    pub async fn login(h: &Harness, email: &str, passphrase: &[u8]) -> Clinician {
        Self::try_login(h, email, passphrase, None, "127.0.0.1").await.expect("login")
    }

    /// Log in from `source` (the harness trusts `x-test-source`), with a ticket if given.
    pub async fn try_login(
        h: &Harness,
        email: &str,
        passphrase: &[u8],
        ticket: Option<&str>,
        source: &str,
    ) -> Result<Clinician, Refused> {
        let (state, request) = opaque::client_start_login(passphrase).unwrap();
        let start = LoginStart { email: email.into(), request: B64(request), ticket: ticket.map(str::to_string) };
        let (s, _, body) = h.send(from_source(post_json("/v1/sessions/start", &start), source)).await;
        if s != StatusCode::OK {
            return Err(Refused::ByServer(s));
        }
        let started: LoginStarted = serde_json::from_slice(&body).unwrap();
        let done = opaque::client_finish_login(state, passphrase, &started.response.0, email)
            .map_err(|_| Refused::ByClient)?;
        let finish = LoginFinish { login_id: started.login_id, finalization: B64(done.finalization) };
        let (s, headers, body) = h.send(post_json("/v1/sessions/finish", &finish)).await;
        if s != StatusCode::OK {
            return Err(Refused::ByServer(s));
        }
        let cookie = headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let login: LoginResponse = serde_json::from_slice(&body).unwrap();
        let secret =
            protocol::unwrap_recipient_secret(&done.wrap_key, email, &login.account.wrapped_private_key.0).unwrap();
        assert_eq!(secret.public().0.to_vec(), login.account.public_key.0);
        Ok(Clinician {
            email: email.into(),
            token: login.token,
            account: login.account,
            secret,
            ticket: login.ticket,
            cookie,
        })
    }

    pub fn req(&self, method: &str, path: &str, body: Vec<u8>) -> Request<Body> {
        Request::builder()
            .method(method)
            .uri(path)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    }

    pub async fn invite(&self, h: &Harness) -> protocol::Invite {
        let r: InviteResponse = h.json(self.req("POST", "/v1/invites", vec![]), StatusCode::CREATED).await;
        protocol::Invite::parse(&r.invite).unwrap()
    }

    pub async fn shares(&self, h: &Harness) -> Vec<ShareInfo> {
        let l: ShareList = h.json(self.req("GET", "/v1/shares", vec![]), StatusCode::OK).await;
        l.shares
    }

    /// The shares addressed to this clinician that their clients erased (tombstones).
    pub async fn erased(&self, h: &Harness) -> Vec<ErasedShare> {
        let l: ShareList = h.json(self.req("GET", "/v1/shares", vec![]), StatusCode::OK).await;
        l.erased
    }
}

/// A client device.
pub struct Device {
    pub key: DeviceKey,
    pub recipient: Option<Recipient>,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

impl Device {
    pub fn new() -> Device {
        Device { key: DeviceKey::generate().unwrap(), recipient: None }
    }

    pub fn id(&self) -> String {
        self.key.id()
    }

    /// A signed request.
    pub fn req(&self, method: &str, path: &str, body: Vec<u8>) -> Request<Body> {
        let signed = self.key.sign_request(method, path, now_ms(), &body).unwrap();
        let mut b = Request::builder().method(method).uri(path).header("content-type", "application/json");
        for (k, v) in signed.headers(&self.id()) {
            b = b.header(k, v);
        }
        b.body(Body::from(body)).unwrap()
    }

    /// Redeem an invite and check the clinician's key against its fingerprint.
    pub async fn pair(&mut self, h: &Harness, invite: &protocol::Invite) {
        self.pair_labelled(h, invite, None).await
    }

    /// Redeem an invite giving a sealed label (any bytes: the server never parses it).
    pub async fn pair_labelled(&mut self, h: &Harness, invite: &protocol::Invite, label: Option<Vec<u8>>) {
        let body = serde_json::to_vec(&RegisterDevice {
            invite_token: invite.token.clone(),
            public_key: B64(self.key.public_key().to_vec()),
            label: label.map(B64),
        })
        .unwrap();
        let r: DeviceRegistered = h.json(self.req("POST", "/v1/devices", body), StatusCode::CREATED).await;
        let pk = <[u8; 32]>::try_from(r.recipient.public_key.0.as_slice()).unwrap();
        assert_eq!(
            protocol::fingerprint(&protocol::RecipientPublic(pk)),
            invite.fingerprint,
            "the server swapped the clinician's key"
        );
        self.recipient = Some(r.recipient);
    }

    /// Create a share for the paired clinician that only this device writes; returns its id and
    /// key.
    pub async fn share(&self, h: &Harness) -> (ShareId, ShareKey) {
        self.share_with(h, false).await
    }

    /// Create a share for the paired clinician, letting them append (as for the coping plan)
    /// or not.
    pub async fn share_with(&self, h: &Harness, recipient_may_append: bool) -> (ShareId, ShareKey) {
        let rec = self.recipient.as_ref().unwrap();
        let id = ShareId::random().unwrap();
        let key = ShareKey::generate().unwrap();
        let pk = protocol::RecipientPublic(<[u8; 32]>::try_from(rec.public_key.0.as_slice()).unwrap());
        let wrapped = protocol::wrap_share_key(&pk, &id, &key).unwrap();
        let body = serde_json::to_vec(&CreateShare {
            share_id: id,
            recipient: rec.clinician_id.clone(),
            wrapped_key: B64(wrapped),
            recipient_may_append,
        })
        .unwrap();
        let info: ShareInfo = h.json(self.req("POST", "/v1/shares", body), StatusCode::CREATED).await;
        assert_eq!(info.recipient_may_append, recipient_may_append);
        (id, key)
    }
}

/// A sealed change chunk and its append body.
pub fn change(key: &ShareKey, share: &ShareId, plaintext: &[u8]) -> (ChunkId, Vec<u8>) {
    let id = ChunkId::random().unwrap();
    let sealed = protocol::seal_chunk(key, share, ChunkKind::Change, id, 0, plaintext).unwrap();
    (id, serde_json::to_vec(&AppendChunk { chunk: B64(sealed) }).unwrap())
}

pub fn snapshot_body(key: &ShareKey, share: &ShareId, covers: u64, plaintext: &[u8]) -> Vec<u8> {
    let sealed =
        protocol::seal_chunk(key, share, ChunkKind::Snapshot, ChunkId::random().unwrap(), covers, plaintext).unwrap();
    serde_json::to_vec(&PutSnapshot { snapshot: B64(sealed) }).unwrap()
}

pub fn chunks_path(share: &ShareId) -> String {
    format!("/v1/shares/{share}/chunks")
}

/// Every stored value of every table (for erasure and canary checks).
pub async fn all_values(h: &Harness) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for t in h.state.db.dump_tables().await.unwrap() {
        for v in t.values {
            out.push((t.table.clone(), v));
        }
    }
    out
}

pub fn contains(h: &[u8], n: &[u8]) -> bool {
    !n.is_empty() && h.windows(n.len()).any(|w| w == n)
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
