//! An in-process sync server on 127.0.0.1 (SQLite in a temp dir) for end-to-end tests and
//! benchmarks, running on its own Tokio runtime thread; and the HTTP client side the server
//! benchmarks share (a clinician registering and logging in with OPAQUE).

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{Request, StatusCode};
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, opaque, RecipientSecret};
use companion_server::{router, ApiConfig, AppState};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;

pub struct TestServer {
    pub base: String,
    pub state: Arc<AppState>,
    pub dir: tempfile::TempDir,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TestServer {
    pub fn start() -> TestServer {
        Self::start_in(tempfile::tempdir().expect("tempdir"))
    }

    /// A server on the data already in `dir` (a copy of another server's files).
    pub fn start_in(dir: tempfile::TempDir) -> TestServer {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let (base, state) = rt.block_on(async {
            let db = companion_server::open_db(None, dir.path()).await.expect("db");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let base = format!("http://{}", listener.local_addr().expect("addr"));
            let config = ApiConfig {
                public_url: base.clone(),
                secure_cookies: false,
                rate_per_sec: 1e6,
                rate_burst: 1e6,
                ..ApiConfig::default()
            };
            let state = AppState::new(db, config).await.expect("state");
            let app = router(Arc::clone(&state));
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            (base, state)
        });
        TestServer { base, state, dir, runtime: Some(rt) }
    }

    /// A clinic and a one-time clinician invite.
    pub fn clinician_invite(&self) -> String {
        let st = Arc::clone(&self.state);
        self.block_on(async move {
            companion_server::api::clinicians_admin::create_clinic(&st, "Example Clinic").await.expect("clinic").1
        })
    }

    /// A clinician account as version 1 of the login left it (see the server suite's
    /// `legacy_clinician`), written into the database file. Returns its key pair.
    pub fn legacy_clinician(&self, email: &str, passphrase: &[u8]) -> companion_core::protocol::RecipientSecret {
        use companion_core::protocol::{self, RecipientSecret};
        let st = Arc::clone(&self.state);
        let clinic = self.block_on(async move {
            companion_server::api::clinicians_admin::create_clinic(&st, "Old Clinic").await.expect("clinic").0
        });
        let salt: [u8; 16] = companion_core::crypto::random_array().expect("random");
        let keys = protocol::derive_clinician_keys(passphrase, &salt, protocol::CLINICIAN_KDF_ITERATIONS).expect("kdf");
        let secret = RecipientSecret::generate().expect("key");
        let wrapped = protocol::wrap_recipient_secret(keys.wrap_key(), email, &secret).expect("wrap");
        let hash_salt: [u8; 16] = companion_core::crypto::random_array().expect("random");
        let auth_hash =
            companion_server::api::legacy::hash_auth_secret(&keys.auth_secret(), hash_salt).expect("argon2");
        let c = rusqlite::Connection::open(self.dir.path().join("server.db")).expect("open");
        c.busy_timeout(std::time::Duration::from_secs(10)).expect("timeout");
        c.execute(
            "INSERT INTO clinicians (id, clinic_id, email, display_name, public_key, wrapped_private_key, created_ms)
             VALUES ('cl_old', ?1, ?2, 'Dr Old Example', ?3, ?4, 1)",
            rusqlite::params![clinic, email, secret.public().0.to_vec(), wrapped],
        )
        .expect("clinician");
        c.execute(
            "INSERT INTO legacy_logins (clinician_id, salt, iterations, auth_hash) VALUES ('cl_old', ?1, ?2, ?3)",
            rusqlite::params![salt.to_vec(), protocol::CLINICIAN_KDF_ITERATIONS, auth_hash],
        )
        .expect("verifier");
        secret
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.as_ref().expect("runtime").block_on(f)
    }

    /// Every byte of every file of the server's database.
    pub fn stored_bytes(&self) -> Vec<u8> {
        let st = Arc::clone(&self.state);
        self.block_on(async move { st.flush_audit().await });
        let mut all = Vec::new();
        for f in crate::files_under(self.dir.path()) {
            if let Ok(b) = std::fs::read(f) {
                all.extend(b);
            }
        }
        all
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// The benches' HTTP client.
pub type Http = Client<HttpConnector, Full<Bytes>>;

/// Send a request; its status and body.
pub async fn send(http: &Http, req: Request<Full<Bytes>>) -> (StatusCode, Bytes) {
    let resp = http.request(req).await.expect("request");
    let s = resp.status();
    (s, resp.into_body().collect().await.expect("body").to_bytes())
}

/// A JSON request with extra headers.
pub fn json_req(method: &str, url: &str, body: Vec<u8>, headers: &[(&str, String)]) -> Request<Full<Bytes>> {
    let mut b = Request::builder().method(method).uri(url).header("content-type", "application/json");
    for (k, v) in headers {
        b = b.header(*k, v.as_str());
    }
    b.body(Full::new(Bytes::from(body))).expect("request")
}

/// The bench clinician's email and passphrase (not for real use).
pub const EMAIL: &str = "bench@clinic.invalid";
pub const PASSPHRASE: &[u8] = b"bench passphrase, not for real use";

/// Register the bench clinician in a new clinic and log in (OPAQUE, as the clinician's side
/// does).
pub async fn register_clinician(state: &Arc<AppState>, base: &str, http: &Http) -> LoginResponse {
    let (_, token) =
        companion_server::api::clinicians_admin::create_clinic(state, "Bench Clinic").await.expect("clinic");
    let (email, pass) = (EMAIL, PASSPHRASE);
    let post = |path: &str, body: Vec<u8>| json_req("POST", &format!("{base}{path}"), body, &[]);
    let (reg, request) = opaque::client_start_registration(pass).expect("opaque");
    let start = RegistrationStart { invite_token: token.clone(), email: email.into(), request: B64(request) };
    let (_, b) = send(http, post("/v1/clinicians/register/start", serde_json::to_vec(&start).expect("json"))).await;
    let started: RegistrationStarted = serde_json::from_slice(&b).expect("registration response");
    let (upload, wrap) = opaque::client_finish_registration(reg, pass, &started.response.0, email).expect("opaque");
    let secret = RecipientSecret::generate().expect("key");
    let reg = RegisterClinician {
        invite_token: token,
        email: email.into(),
        display_name: "Dr Bench Example".into(),
        upload: B64(upload),
        public_key: B64(secret.public().0.to_vec()),
        wrapped_private_key: B64(protocol::wrap_recipient_secret(&wrap, email, &secret).expect("wrap")),
    };
    let (s, _) = send(http, post("/v1/clinicians", serde_json::to_vec(&reg).expect("json"))).await;
    assert_eq!(s, StatusCode::CREATED);
    login(base, http, None).await.expect("login")
}

/// The bench clinician's login, with the ticket of an earlier one if given; `None` when the
/// server refused it.
pub async fn login(base: &str, http: &Http, ticket: Option<&str>) -> Option<LoginResponse> {
    let post = |path: &str, body: Vec<u8>| json_req("POST", &format!("{base}{path}"), body, &[]);
    let (login, request) = opaque::client_start_login(PASSPHRASE).expect("opaque");
    let start = LoginStart { email: EMAIL.into(), request: B64(request), ticket: ticket.map(str::to_string) };
    let (_, b) = send(http, post("/v1/sessions/start", serde_json::to_vec(&start).expect("json"))).await;
    let started: LoginStarted = serde_json::from_slice(&b).ok()?;
    let done = opaque::client_finish_login(login, PASSPHRASE, &started.response.0, EMAIL).ok()?;
    let finish = LoginFinish { login_id: started.login_id, finalization: B64(done.finalization) };
    let (s, b) = send(http, post("/v1/sessions/finish", serde_json::to_vec(&finish).expect("json"))).await;
    (s == StatusCode::OK).then(|| serde_json::from_slice(&b).ok()).flatten()
}
