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
