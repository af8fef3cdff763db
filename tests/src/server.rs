//! An in-process sync server on 127.0.0.1 (SQLite in a temp dir) for end-to-end tests and
//! benchmarks, running on its own Tokio runtime thread.

use std::sync::Arc;

use companion_server::{router, ApiConfig, AppState};

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
