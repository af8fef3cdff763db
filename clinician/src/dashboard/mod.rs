//! `companion-clinician dashboard`: the clinician's dashboard, served on this machine's loopback
//! interface to the clinician's own browser. All decryption happens here, in Rust, with the same
//! reader as the terminal commands ([`crate::shared`]); the browser only displays pages.
//!
//! Safe as a local web server ([`guard`]): it answers only to its own host, to the browser that
//! opened the one-time link, and takes writes only with that session's CSRF token. Nothing
//! decrypted is written to disk or to the browser's storage. After the configured time without
//! use it locks: the keys and everything decrypted are dropped, and the clinician's passphrase
//! unlocks it again.

pub mod charts;
pub mod guard;
mod pages;
pub mod render;
mod routes;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use companion_core::sync::Transport;
use zeroize::Zeroizing;

use crate::shared::Session;
use guard::Guard;

/// How the dashboard runs.
#[derive(Clone, Debug)]
pub struct DashboardOptions {
    pub server: String,
    pub email: String,
    /// Loopback address to listen on; `None`: a free port on 127.0.0.1.
    pub listen: Option<SocketAddr>,
    /// Lock after this long without a request (the command line takes minutes).
    pub lock_after: Duration,
    pub open_browser: bool,
}

/// Why the dashboard could not start.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error("the dashboard listens on this machine only: use a loopback address such as 127.0.0.1:8400")]
    NotLoopback,
    #[error("cannot listen on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Core(#[from] companion_core::Error),
}

/// The reader and whether it is unlocked.
struct Reader {
    session: Option<Session>,
    /// The ticket of the last login, kept while locked for the login that unlocks.
    ticket: Option<Zeroizing<String>>,
    last_use: Instant,
    /// Why it is locked, for the unlock page.
    locked: Option<Locked>,
}

impl Reader {
    /// Drop the session (its keys and everything decrypted), keeping only its login ticket.
    fn forget(&mut self, why: Locked) {
        if let Some(s) = self.session.take() {
            self.ticket = Some(Zeroizing::new(s.ticket().to_string()));
        }
        self.locked = Some(why);
    }
}

/// Why the dashboard is locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locked {
    Idle,
    ByClinician,
}

/// Everything the request handlers share.
pub struct App {
    net: &'static dyn Transport,
    opts: DashboardOptions,
    addr: SocketAddr,
    guard: Mutex<Guard>,
    reader: Mutex<Reader>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked cannot leave the reader half-changed in a way that matters more
    // than refusing every later request would: carry on with the data as it is.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl App {
    /// Forget the keys and everything decrypted when the dashboard has not been used for the
    /// configured time. Returns whether it is locked now.
    fn lock_if_idle(&self) -> bool {
        let mut r = lock(&self.reader);
        if r.session.is_some() && r.last_use.elapsed() >= self.opts.lock_after {
            r.forget(Locked::Idle);
        }
        r.session.is_none()
    }

    /// Lock now (the clinician asked, or is leaving).
    fn lock_now(&self) {
        lock(&self.reader).forget(Locked::ByClinician);
    }

    /// A new one-time link.
    pub fn new_link(&self) -> Result<String, companion_core::Error> {
        let secret = lock(&self.guard).new_link()?;
        Ok(format!("http://{}/open?secret={secret}", self.addr))
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether the keys and everything decrypted are forgotten (locked).
    pub fn is_locked(&self) -> bool {
        lock(&self.reader).session.is_none()
    }
}

/// A running dashboard (for tests and benchmarks: the binary uses [`serve`]).
pub struct Running {
    pub app: Arc<App>,
    /// The first one-time link.
    pub link: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Stop serving and forget everything.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Start the dashboard on its own thread and runtime.
pub fn start(net: &'static dyn Transport, session: Session, opts: DashboardOptions) -> Result<Running, DashboardError> {
    let want = opts.listen.unwrap_or(SocketAddr::new(IpAddr::from([127, 0, 0, 1]), 0));
    if !want.ip().is_loopback() {
        return Err(DashboardError::NotLoopback);
    }
    let std_listener = std::net::TcpListener::bind(want).map_err(|e| DashboardError::Listen(want, e))?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let app = Arc::new(App {
        net,
        opts,
        addr,
        guard: Mutex::new(Guard::default()),
        reader: Mutex::new(Reader { session: Some(session), ticket: None, last_use: Instant::now(), locked: None }),
    });
    let link = app.new_link()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let served = Arc::clone(&app);
    let thread = std::thread::Builder::new().name("dashboard".into()).spawn(move || {
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(std_listener) else { return };
            let idle = Arc::clone(&served);
            let watcher = tokio::spawn(async move {
                // Often enough that the lock comes at most a quarter of the time late.
                let every = (idle.opts.lock_after / 4).clamp(Duration::from_millis(50), Duration::from_secs(5));
                let mut tick = tokio::time::interval(every);
                loop {
                    tick.tick().await;
                    idle.lock_if_idle();
                }
            });
            let router = routes::router(Arc::clone(&served));
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            watcher.abort();
            served.lock_now();
        });
    })?;
    Ok(Running { app, link, shutdown: Some(tx), thread: Some(thread) })
}

/// Serve until Ctrl-C: print the link, open the browser when possible; Enter prints a new link
/// (each link opens one browser session, once).
pub fn serve(net: &'static dyn Transport, session: Session, opts: DashboardOptions) -> Result<(), DashboardError> {
    let open = opts.open_browser;
    let lock_after = crate::words::duration(opts.lock_after.as_secs());
    let running = start(net, session, opts)?;
    println!("The dashboard is open on this computer only, at {}", running.link);
    println!("The link works once. Press Enter for a new one; Ctrl-C to stop.");
    println!("It locks after {lock_after} without use (your passphrase unlocks it).");
    if open && !open_browser(&running.link) {
        println!("(No browser could be opened from here: open the link yourself.)");
    }
    let app = Arc::clone(&running.app);
    std::thread::spawn(move || {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            line.clear();
            match app.new_link() {
                Ok(l) => println!("A new link (works once): {l}"),
                Err(e) => eprintln!("companion-clinician: {e}"),
            }
        }
    });
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let stop = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::spawn(move || {
        stop.block_on(async {
            let _ = tokio::signal::ctrl_c().await;
        });
        let _ = tx.send(());
    });
    let _ = rx.recv();
    println!("\nStopping: the keys and everything decrypted are forgotten.");
    running.stop();
    Ok(())
}

/// Ask the desktop to open the link in the default browser.
fn open_browser(link: &str) -> bool {
    let opener: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(target_os = "windows") {
        &["rundll32", "url.dll,FileProtocolHandler"]
    } else {
        &["xdg-open"]
    };
    let Some((program, args)) = opener.split_first() else { return false };
    std::process::Command::new(program)
        .args(args)
        .arg(link)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}
