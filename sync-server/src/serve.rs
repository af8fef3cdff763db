//! Serving connections so that slow, idle or flooding clients cannot take the server down
//! (docs/protocol.md, "Connections"): HTTP/1.1 over plain TCP or TLS, with
//!
//! - a **connection cap** ([`ConnLimits::max_connections`]): at the cap, a new connection
//!   evicts the connection that has waited on its client longest (a TLS handshake, an idle
//!   keep-alive, a request head or body still arriving). Connections whose request the server
//!   is working on are never evicted; only when every connection is such one does the accept
//!   loop wait, leaving new connections in the kernel's backlog until one finishes;
//! - a **header timeout**: from a request's first byte (or a connection's first byte, for a TLS
//!   handshake) to its complete head;
//! - a **body timeout**: from a request's complete head to the end of its body;
//! - an **idle timeout**: a connection with no request in progress and nothing read or written.
//!
//! Each connection's phase (and since when) is in a registry; one sweeper task closes the
//! connections past their phase's deadline. Closing drops the connection: a client that was
//! too slow gets no answer, only a closed socket.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;

/// The limits of the connection layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
}

impl Default for ConnLimits {
    /// 512 connections stay well below the usual 1,024 file descriptors of a process; a
    /// request head takes a phone a fraction of a second, and a 6 MiB body about 50 s at
    /// 1 Mbit/s.
    fn default() -> Self {
        ConnLimits {
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// What the connection layer counts (shown by `/metrics`).
#[derive(Debug, Default)]
pub struct ConnStats {
    pub open: AtomicU64,
    pub accepted: AtomicU64,
    pub evicted: AtomicU64,
    pub timed_out: AtomicU64,
}

impl ConnStats {
    fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// Where a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Phase {
    /// TLS handshake in progress.
    Handshake = 0,
    /// No request in progress.
    Idle = 1,
    /// A request's head is arriving.
    Head = 2,
    /// A request's body is arriving.
    Body = 3,
    /// The server is answering a request.
    Working = 4,
}

impl Phase {
    fn from_u8(v: u8) -> Phase {
        match v {
            0 => Phase::Handshake,
            1 => Phase::Idle,
            2 => Phase::Head,
            3 => Phase::Body,
            _ => Phase::Working,
        }
    }
}

/// One connection's phase, since when, and the signal that closes it.
struct Conn {
    phase: AtomicU8,
    since_ms: AtomicU64,
    close: Notify,
    closing: AtomicBool,
    clock: Instant,
}

impl Conn {
    fn new(phase: Phase, clock: Instant) -> Conn {
        let c = Conn {
            phase: AtomicU8::new(phase as u8),
            since_ms: AtomicU64::new(0),
            close: Notify::new(),
            closing: AtomicBool::new(false),
            clock,
        };
        c.enter(phase);
        c
    }

    fn now_ms(&self) -> u64 {
        self.clock.elapsed().as_millis() as u64
    }

    fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Acquire))
    }

    fn enter(&self, phase: Phase) {
        self.since_ms.store(self.now_ms(), Ordering::Release);
        self.phase.store(phase as u8, Ordering::Release);
    }

    /// Move from `from` to `to` (only if it is in `from`).
    fn advance(&self, from: Phase, to: Phase) {
        if self.phase() == from {
            self.enter(to);
        }
    }

    /// Something moved on an idle connection (a response being written): it is not idle.
    fn touch_if(&self, phase: Phase) {
        if self.phase() == phase {
            self.since_ms.store(self.now_ms(), Ordering::Release);
        }
    }

    fn waits_on_client(&self) -> bool {
        self.phase() != Phase::Working
    }

    fn deadline(&self, limits: &ConnLimits) -> Option<u64> {
        let allowed = match self.phase() {
            Phase::Handshake | Phase::Head => limits.header_timeout,
            Phase::Body => limits.body_timeout,
            Phase::Idle => limits.idle_timeout,
            Phase::Working => return None,
        };
        Some(self.since_ms.load(Ordering::Acquire).saturating_add(allowed.as_millis() as u64))
    }

    fn close(&self) {
        self.closing.store(true, Ordering::Release);
        self.close.notify_one();
    }
}

/// Every open connection.
struct Registry {
    limits: ConnLimits,
    clock: Instant,
    next: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    stats: Arc<ConnStats>,
    shutting_down: AtomicBool,
    /// Raised when a connection closes or stops working for the server (room for another).
    room: Notify,
}

impl Registry {
    fn len(&self) -> usize {
        self.conns.lock().map(|m| m.len()).unwrap_or(0)
    }

    fn add(&self, phase: Phase) -> (u64, Arc<Conn>) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn::new(phase, self.clock));
        if let Ok(mut m) = self.conns.lock() {
            m.insert(id, Arc::clone(&conn));
        }
        ConnStats::inc(&self.stats.accepted);
        self.stats.open.fetch_add(1, Ordering::Relaxed);
        (id, conn)
    }

    fn remove(&self, id: u64) {
        if let Ok(mut m) = self.conns.lock() {
            if m.remove(&id).is_some() {
                self.stats.open.fetch_sub(1, Ordering::Relaxed);
            }
        }
        self.room.notify_one();
    }

    /// Close the connection that has waited on its client longest; false if none does.
    fn evict_one(&self) -> bool {
        let Ok(m) = self.conns.lock() else { return false };
        let oldest = m
            .values()
            .filter(|c| c.waits_on_client() && !c.closing.load(Ordering::Acquire))
            .min_by_key(|c| c.since_ms.load(Ordering::Acquire));
        match oldest {
            Some(c) => {
                c.close();
                ConnStats::inc(&self.stats.evicted);
                true
            }
            None => false,
        }
    }

    /// Close every connection past its phase's deadline (every one waiting on its client,
    /// when shutting down).
    fn sweep(&self) {
        let now = self.clock.elapsed().as_millis() as u64;
        let down = self.shutting_down.load(Ordering::Acquire);
        let Ok(m) = self.conns.lock() else { return };
        for c in m.values().filter(|c| !c.closing.load(Ordering::Acquire)) {
            let late = c.deadline(&self.limits).is_some_and(|d| now >= d);
            if late || (down && c.waits_on_client()) {
                c.close();
                if late {
                    ConnStats::inc(&self.stats.timed_out);
                }
            }
        }
    }
}

/// Removes a connection from the registry when its task ends, however it ends.
struct Registered {
    registry: Arc<Registry>,
    id: u64,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.registry.remove(self.id);
    }
}

/// Serve `app` on `listener` (over TLS when `tls` is given) until `shutdown` completes; then
/// stop accepting, close connections that wait on their clients, and give requests in
/// progress up to 10 seconds.
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    app: Router,
    limits: ConnLimits,
    stats: Arc<ConnStats>,
    shutdown: impl Future<Output = ()>,
) {
    let registry = Arc::new(Registry {
        limits,
        clock: Instant::now(),
        next: AtomicU64::new(0),
        conns: Mutex::new(HashMap::new()),
        stats,
        shutting_down: AtomicBool::new(false),
        room: Notify::new(),
    });
    let sweeper = tokio::spawn(sweep_forever(Arc::clone(&registry)));
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            a = accept_within_cap(&listener, &registry) => a,
            _ = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Out of file descriptors or a connection reset before it was taken: wait a
                // moment rather than spin.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if registry.len() >= limits.max_connections {
            registry.evict_one();
        }
        let phase = if acceptor.is_some() { Phase::Handshake } else { Phase::Idle };
        let (id, conn) = registry.add(phase);
        let registered = Registered { registry: Arc::clone(&registry), id };
        let (app, acceptor) = (app.clone(), acceptor.clone());
        tokio::spawn(async move {
            let _registered = registered;
            serve_connection(stream, peer, acceptor, app, conn).await;
        });
    }
    registry.shutting_down.store(true, Ordering::Release);
    registry.sweep();
    let deadline = Instant::now() + Duration::from_secs(10);
    while registry.len() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sweeper.abort();
}

/// Accept a connection once there is room: below the cap, or a connection to evict.
async fn accept_within_cap(listener: &TcpListener, registry: &Registry) -> io::Result<(TcpStream, SocketAddr)> {
    loop {
        if registry.len() < registry.limits.max_connections || has_evictable(registry) {
            return listener.accept().await;
        }
        // Every connection is being answered: new ones wait in the backlog until one is done.
        let _ = tokio::time::timeout(Duration::from_millis(10), registry.room.notified()).await;
    }
}

fn has_evictable(registry: &Registry) -> bool {
    registry.conns.lock().map(|m| m.values().any(|c| c.waits_on_client())).unwrap_or(false)
}

async fn sweep_forever(registry: Arc<Registry>) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        tick.tick().await;
        registry.sweep();
    }
}

/// One connection: the TLS handshake if any, then HTTP/1.1 until it ends or is closed.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    app: Router,
    conn: Arc<Conn>,
) {
    let _ = stream.set_nodelay(true);
    match tls {
        Some(acceptor) => {
            let handshake = tokio::select! {
                h = acceptor.accept(stream) => h,
                _ = conn.close.notified() => return,
            };
            let Ok(tls) = handshake else { return };
            conn.advance(Phase::Handshake, Phase::Idle);
            http(tls, peer, app, conn).await;
        }
        None => http(stream, peer, app, conn).await,
    }
}

async fn http<I>(io: I, peer: SocketAddr, app: Router, conn: Arc<Conn>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = TokioIo::new(Tracked { inner: io, conn: Arc::clone(&conn) });
    let for_requests = Arc::clone(&conn);
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let conn = Arc::clone(&for_requests);
        let next = if req.body().is_end_stream() { Phase::Working } else { Phase::Body };
        conn.enter(next);
        let mut req = req.map(|body| axum::body::Body::new(TrackedBody { inner: body, conn: Arc::clone(&conn) }));
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let response = app.oneshot(req).await;
            conn.enter(Phase::Idle);
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // The sweeper enforces every timeout; hyper's own header timeout would need a timer.
    builder.header_read_timeout(None).keep_alive(true);
    let serving = builder.serve_connection(io, service);
    tokio::select! {
        _ = serving => {}
        _ = conn.close.notified() => {}
    }
}

/// The connection's stream, noting the first byte of a request head and a response's writes.
struct Tracked<I> {
    inner: I,
    conn: Arc<Conn>,
}

impl<I: AsyncRead + Unpin> AsyncRead for Tracked<I> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.conn.advance(Phase::Idle, Phase::Head);
        }
        r
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Tracked<I> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.conn.touch_if(Phase::Idle);
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body that moves its connection from [`Phase::Body`] to [`Phase::Working`] when
/// it has all arrived.
struct TrackedBody {
    inner: Incoming,
    conn: Arc<Conn>,
}

impl Body for TrackedBody {
    type Data = hyper::body::Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let r = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(r, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.conn.advance(Phase::Body, Phase::Working);
        }
        r
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
