//! The bindings' API from Rust: what the foreign suites check from Kotlin and Python, minus
//! the FFI, so `cargo test` alone catches a broken mapping or a blocking async call.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use companion_core::urge::NewUrge;
use companion_core::KeyMethod;
use companion_ffi::{
    create_store_async, is_backup_file, open_store_async, CompanionCore, CompanionError, KeyProvider, KeyProviderError,
    Unlock,
};

const PASS: &[u8] = b"a long passphrase, typed by Sam Example";

fn passphrase() -> Unlock {
    Unlock::Passphrase { passphrase: PASS.to_vec() }
}

/// Wraps by XOR with a secret; refuses blobs of the wrong length.
struct XorProvider([u8; 32]);

impl KeyProvider for XorProvider {
    fn wrap_key(&self, data_key: Vec<u8>) -> Result<Vec<u8>, KeyProviderError> {
        Ok(data_key.iter().zip(self.0.iter()).map(|(a, b)| a ^ b).collect())
    }

    fn unwrap_key(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, KeyProviderError> {
        if wrapped.len() != 32 {
            return Err(KeyProviderError::Failed { reason: "wrong length".into() });
        }
        self.wrap_key(wrapped)
    }
}

/// Fails the way a foreign implementation that throws something unexpected does.
struct ThrowingProvider;

impl KeyProvider for ThrowingProvider {
    fn wrap_key(&self, _: Vec<u8>) -> Result<Vec<u8>, KeyProviderError> {
        Err(uniffi::UnexpectedUniFFICallbackError::new("IllegalStateException: boom").into())
    }

    fn unwrap_key(&self, _: Vec<u8>) -> Result<Vec<u8>, KeyProviderError> {
        Err(uniffi::UnexpectedUniFFICallbackError::new("IllegalStateException: boom").into())
    }
}

struct ThreadWaker(Mutex<bool>, std::thread::Thread, AtomicUsize);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.2.fetch_add(1, Ordering::SeqCst);
        *self.0.lock().unwrap() = true;
        self.1.unpark();
    }
}

/// Poll to completion on this thread, counting how often the future was pending: a future that
/// did its work inside `poll` would never be pending.
fn block_on<F: Future>(f: F) -> (F::Output, usize) {
    let waker = Arc::new(ThreadWaker(Mutex::new(false), std::thread::current(), AtomicUsize::new(0)));
    let w = Waker::from(Arc::clone(&waker));
    let mut cx = Context::from_waker(&w);
    let mut f = std::pin::pin!(f);
    let mut pending = 0;
    loop {
        match f.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return (v, pending),
            Poll::Pending => {
                pending += 1;
                while !std::mem::take(&mut *waker.0.lock().unwrap()) {
                    std::thread::park();
                }
            }
        }
    }
}

fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).display().to_string()
}

#[test]
fn a_store_opens_with_a_key_provider_and_a_throwing_one_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Arc::new(XorProvider([7; 32]));
    let core = CompanionCore::create(path(&dir, "s.db"), Unlock::DeviceKey { provider: provider.clone() }).unwrap();
    let id = core.log_urge(NewUrge { intensity: 5, ..Default::default() }).unwrap().id.to_text();
    drop(core);
    let again = CompanionCore::open(path(&dir, "s.db"), Unlock::DeviceKey { provider }).unwrap();
    assert_eq!(again.urge(id).unwrap().intensity, 5);
    assert_eq!(again.unlock_methods().unwrap(), vec![KeyMethod::KeyProvider]);

    let wrong = CompanionCore::open(path(&dir, "s.db"), Unlock::DeviceKey { provider: Arc::new(XorProvider([9; 32])) });
    assert!(matches!(wrong, Err(CompanionError::WrongKey { method: KeyMethod::KeyProvider, .. })), "{wrong:?}");
    match CompanionCore::open(path(&dir, "s.db"), Unlock::DeviceKey { provider: Arc::new(ThrowingProvider) }) {
        Err(CompanionError::KeyProviderFailed { detail }) => {
            assert!(detail.contains("IllegalStateException"), "{detail}")
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn locked_stores_refuse_calls_until_unlocked() {
    let dir = tempfile::tempdir().unwrap();
    let core = CompanionCore::create(path(&dir, "s.db"), passphrase()).unwrap();
    core.lock();
    assert!(core.is_locked());
    assert!(matches!(core.info(), Err(CompanionError::NotAllowed { .. })));
    let wrong = core.unlock(Unlock::Passphrase { passphrase: b"nope".to_vec() });
    assert!(matches!(wrong, Err(CompanionError::WrongKey { method: KeyMethod::Passphrase, .. })));
    assert!(core.is_locked());
    core.unlock(passphrase()).unwrap();
    assert_eq!(core.info().unwrap().records, 0);
    assert!(matches!(core.urge("short".into()), Err(CompanionError::InvalidInput { field, .. }) if field == "id"));
}

#[test]
fn async_variants_work_on_their_own_thread() {
    let dir = tempfile::tempdir().unwrap();
    let (core, pending) = block_on(create_store_async(path(&dir, "s.db"), passphrase()));
    let core = core.unwrap();
    assert!(pending >= 1, "the key derivation ran off the polling thread");
    core.log_urge(NewUrge { intensity: 3, ..Default::default() }).unwrap();
    let (backup, _) = block_on(Arc::clone(&core).export_backup_async(b"backup pass".to_vec()));
    let backup = backup.unwrap();
    assert!(is_backup_file(backup.bytes.clone()));
    let (target, _) = block_on(create_store_async(path(&dir, "t.db"), passphrase()));
    let target = target.unwrap();
    let (n, _) = block_on(Arc::clone(&target).restore_backup_async(backup.bytes, b"backup pass".to_vec()));
    assert_eq!(n.unwrap(), 1);
    let (wrong, _) = block_on(open_store_async(path(&dir, "s.db"), Unlock::Passphrase { passphrase: b"x".to_vec() }));
    assert!(matches!(wrong, Err(CompanionError::WrongKey { .. })));
}
