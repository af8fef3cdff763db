//! Test harness: the server in-process (SQLite in a temp dir, or PostgreSQL in a fresh schema),
//! and a client that plays a device and a clinician with the protocol's real cryptography.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, b64, ChunkId, ChunkKind, DeviceKey, RecipientSecret, ShareId, ShareKey};
use companion_server::{router, ApiConfig, AppState, Db};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const TEST_KDF_ITERATIONS: u32 = 100_000;

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

impl Harness {
    pub async fn sqlite() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let db = companion_server::open_db(None, dir.path()).await.unwrap();
        Self::with(db, Backend::Sqlite(dir)).await
    }

    pub async fn postgres(url: &str) -> Harness {
        let scoped = fresh_pg_schema(url).await;
        let db = companion_server::open_db(Some(&scoped), std::path::Path::new("/nonexistent")).await.unwrap();
        Self::with(db, Backend::Postgres(scoped)).await
    }

    async fn with(db: Db, backend: Backend) -> Harness {
        let config = ApiConfig { public_url: "https://sync.test.invalid".into(), ..ApiConfig::default() };
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

    /// A clinic with one clinician, logged in.
    pub async fn clinician(&self, email: &str) -> Clinician {
        let (_, token) =
            companion_server::api::clinicians_admin::create_clinic(&self.state, "Test Clinic").await.unwrap();
        Clinician::register(self, &token, email).await
    }
}

pub fn post_json(path: &str, body: &impl serde::Serialize) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(serde_json::to_vec(body).unwrap()))
        .unwrap()
}

/// A clinician with their keys, as the dashboard would hold them.
pub struct Clinician {
    pub email: String,
    pub token: String,
    pub account: ClinicianAccount,
    pub secret: RecipientSecret,
}

impl Clinician {
    pub async fn register(h: &Harness, invite_token: &str, email: &str) -> Clinician {
        let salt = companion_core::crypto::random_array::<16>().unwrap();
        let keys = protocol::derive_clinician_keys(b"clinician passphrase", &salt, TEST_KDF_ITERATIONS).unwrap();
        let secret = RecipientSecret::generate().unwrap();
        let wrapped = protocol::wrap_recipient_secret(&keys, email, &secret).unwrap();
        let reg = RegisterClinician {
            invite_token: invite_token.into(),
            email: email.into(),
            display_name: "Dr Sam Example".into(),
            salt: B64(salt.to_vec()),
            iterations: TEST_KDF_ITERATIONS,
            auth_secret: B64(keys.auth_secret().to_vec()),
            public_key: B64(secret.public().0.to_vec()),
            wrapped_private_key: B64(wrapped),
        };
        let _: ClinicianAccount = h.json(post_json("/v1/clinicians", &reg), StatusCode::CREATED).await;
        Self::login(h, email, b"clinician passphrase").await
    }

    /// Log in as the dashboard does: prelogin, derive, send the auth secret, unwrap the key.
    pub async fn login(h: &Harness, email: &str, passphrase: &[u8]) -> Clinician {
        let pre: PreloginResponse = h
            .json(post_json("/v1/clinicians/prelogin", &PreloginRequest { email: email.into() }), StatusCode::OK)
            .await;
        let keys = protocol::derive_clinician_keys(passphrase, &pre.salt.0, pre.iterations).unwrap();
        let login: LoginResponse = h
            .json(
                post_json(
                    "/v1/sessions",
                    &LoginRequest { email: email.into(), auth_secret: B64(keys.auth_secret().to_vec()) },
                ),
                StatusCode::OK,
            )
            .await;
        let secret = protocol::unwrap_recipient_secret(&keys, email, &login.account.wrapped_private_key.0).unwrap();
        assert_eq!(secret.public().0.to_vec(), login.account.public_key.0);
        Clinician { email: email.into(), token: login.token, account: login.account, secret }
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
        let body = serde_json::to_vec(&RegisterDevice {
            invite_token: invite.token.clone(),
            public_key: B64(self.key.public_key().to_vec()),
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

    /// Create a share for the paired clinician; returns its id and key.
    pub async fn share(&self, h: &Harness) -> (ShareId, ShareKey) {
        let rec = self.recipient.as_ref().unwrap();
        let id = ShareId::random().unwrap();
        let key = ShareKey::generate().unwrap();
        let pk = protocol::RecipientPublic(<[u8; 32]>::try_from(rec.public_key.0.as_slice()).unwrap());
        let wrapped = protocol::wrap_share_key(&pk, &id, &key).unwrap();
        let body = serde_json::to_vec(&CreateShare {
            share_id: id,
            recipient: rec.clinician_id.clone(),
            wrapped_key: B64(wrapped),
        })
        .unwrap();
        let _: ShareInfo = h.json(self.req("POST", "/v1/shares", body), StatusCode::CREATED).await;
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
