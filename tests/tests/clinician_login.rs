//! The clinician's login under attack, end to end with the real client (`core::clinician`)
//! and server: a relay on the path that rewrites the server's answers (announces a single
//! PBKDF2 iteration at prelogin, or answers the login with OPAQUE messages of its own) gains
//! nothing it can test passphrase guesses against offline, and the client refuses the impostor.
//! Before OPAQUE, the one-iteration relay recovered the passphrase from a small dictionary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Mutex;

use companion_core::clinician::Clinician;
use companion_core::protocol::wire::*;
use companion_core::protocol::{self, opaque};
use companion_core::sync::http::HttpTransport;
use companion_core::sync::{HttpRequest, HttpResponse, Transport, TransportError};
use companion_core::Error;
use companion_tests::server::TestServer;

const PASSPHRASE: &[u8] = b"velvet lantern orbit";
/// The attacker's dictionary: the passphrase is in it.
const DICTIONARY: [&str; 6] = ["password", "correct horse", "velvet lantern orbit", "letmein", "Dr Example", "hunter2"];

/// How the relay rewrites what the server says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rewrite {
    /// Prelogin answers announce 1 PBKDF2 iteration.
    OneIteration,
    /// Login starts are answered by the relay's own OPAQUE keys (it holds no record).
    OwnOpaqueAnswers,
}

/// A relay between the client and the server that records every request body.
struct Relay {
    server: HttpTransport,
    rewrite: Rewrite,
    impostor: opaque::ServerKeys,
    seen: Mutex<Vec<(String, Vec<u8>)>>,
    /// The salt the server gave at prelogin, which the relay passed on.
    salt: Mutex<Option<Vec<u8>>>,
}

impl Relay {
    fn new(rewrite: Rewrite) -> Relay {
        Relay {
            server: HttpTransport::default(),
            rewrite,
            impostor: opaque::ServerKeys::generate().unwrap(),
            seen: Mutex::new(Vec::new()),
            salt: Mutex::new(None),
        }
    }

    fn seen(&self) -> Vec<(String, Vec<u8>)> {
        self.seen.lock().unwrap().clone()
    }
}

fn ok(value: &impl serde::Serialize) -> HttpResponse {
    HttpResponse { status: 200, body: serde_json::to_vec(value).unwrap() }
}

impl Transport for Relay {
    fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let path = req.url.split_once("//").and_then(|(_, r)| r.split_once('/')).map(|(_, p)| format!("/{p}")).unwrap();
        self.seen.lock().unwrap().push((path.clone(), req.body.clone()));
        if self.rewrite == Rewrite::OwnOpaqueAnswers && path == "/v1/sessions/start" {
            let start: LoginStart = serde_json::from_slice(&req.body).unwrap();
            let (_, ke2) = self.impostor.login_response(None, &start.request.0, &start.email).unwrap();
            return Ok(ok(&LoginStarted { login_id: "relay".into(), response: B64(ke2) }));
        }
        let mut resp = self.server.send(req)?;
        if self.rewrite == Rewrite::OneIteration && path == "/v1/clinicians/prelogin" {
            let mut pre: PreloginResponse = serde_json::from_slice(&resp.body).unwrap();
            pre.iterations = 1;
            *self.salt.lock().unwrap() = Some(pre.salt.0.clone());
            resp = ok(&pre);
        }
        Ok(resp)
    }
}

/// The attacker's offline work on everything the relay saw: every auth secret sent is tried
/// against the dictionary with the salt passed on and the single iteration announced. (An
/// OPAQUE exchange gives it nothing to try: KE1 is a blinded random element and, refused,
/// the client sends nothing more.) Returns the word that matched.
fn offline_guess(relay: &Relay) -> Option<&'static str> {
    let salt = relay.salt.lock().unwrap().clone()?;
    for (_, body) in relay.seen() {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else { continue };
        let Some(secret) = v.get("auth_secret").and_then(|s| s.as_str()) else { continue };
        let secret = protocol::unb64(secret, "auth secret").unwrap();
        for word in DICTIONARY {
            let keys = protocol::derive_clinician_keys(word.as_bytes(), &salt, 1).unwrap();
            if keys.auth_secret().to_vec() == secret {
                return Some(word);
            }
        }
    }
    None
}

#[test]
fn a_relay_announcing_one_iteration_learns_nothing_it_can_test_offline() {
    let server = TestServer::start();
    let direct = HttpTransport::default();
    let email = "dr.relay@clinic.invalid";
    Clinician::register(&direct, &server.base, &server.clinician_invite(), email, "Dr Relay Example", PASSPHRASE)
        .unwrap();
    let relay = Relay::new(Rewrite::OneIteration);
    let c = Clinician::login(&relay, &server.base, email, PASSPHRASE, None).expect("OPAQUE needs no prelogin");
    assert_eq!(c.account.email, email);
    assert!(!relay.seen().iter().any(|(p, _)| p == "/v1/clinicians/prelogin"), "the login never asks for parameters");
    assert_eq!(offline_guess(&relay), None, "the relay found the passphrase");

    // The one-time upgrade of a version-1 account through the same relay: the client uses its
    // own fixed count, so guesses at the announced single iteration match nothing.
    let old = "dr.old@clinic.invalid";
    let secret = server.legacy_clinician(old, PASSPHRASE);
    let relay = Relay::new(Rewrite::OneIteration);
    let c = Clinician::upgrade_legacy_login(&relay, &server.base, old, PASSPHRASE).expect("upgrade");
    assert_eq!(c.account.public_key.0, secret.public().0.to_vec(), "the key pair, and so every share, is kept");
    assert!(relay.seen().iter().any(|(p, _)| p == "/v1/sessions/legacy"), "an auth secret was sent");
    assert_eq!(offline_guess(&relay), None, "the relay found the passphrase");
    // Upgraded: the OPAQUE login works directly and the old one is gone.
    Clinician::login(&direct, &server.base, old, PASSPHRASE, None).expect("OPAQUE login after the upgrade");
    assert!(matches!(
        Clinician::upgrade_legacy_login(&direct, &server.base, old, PASSPHRASE),
        Err(Error::LoginRefused)
    ));
}

#[test]
fn a_relay_answering_with_its_own_opaque_messages_is_refused_and_learns_nothing() {
    let server = TestServer::start();
    let direct = HttpTransport::default();
    let email = "dr.impostor@clinic.invalid";
    Clinician::register(&direct, &server.base, &server.clinician_invite(), email, "Dr Relay Example", PASSPHRASE)
        .unwrap();
    let relay = Relay::new(Rewrite::OwnOpaqueAnswers);
    let err = Clinician::login(&relay, &server.base, email, PASSPHRASE, None).unwrap_err();
    assert!(matches!(err, Error::LoginRefused), "{err}");
    let seen = relay.seen();
    assert_eq!(
        seen.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        vec!["/v1/sessions/start"],
        "nothing after KE1"
    );
    assert_eq!(offline_guess(&relay), None);
    // What the client did send (KE1) is the same size whatever the passphrase, and random.
    let ke1: LoginStart = serde_json::from_slice(&seen[0].1).unwrap();
    assert_eq!(ke1.request.0.len(), opaque::LOGIN_REQUEST_LEN);
}

/// The clinician's side refuses plain HTTP to anything but this machine, and a weak
/// passphrase at registration, before sending anything.
#[test]
fn plain_http_off_this_machine_and_weak_passphrases_are_refused_before_sending() {
    let relay = Relay::new(Rewrite::OneIteration);
    for server in ["http://sync.clinic.example", "http://10.1.2.3:8420"] {
        let err = Clinician::login(&relay, server, "dr@clinic.invalid", PASSPHRASE, None).unwrap_err();
        assert!(matches!(err, Error::Invalid { field: "server", .. }), "{err}");
    }
    let err = Clinician::register(
        &relay,
        "https://sync.clinic.example",
        "tok",
        "dr@clinic.invalid",
        "Dr Example",
        b"password1",
    )
    .unwrap_err();
    assert!(matches!(err, Error::Invalid { field: "passphrase", .. }), "{err}");
    assert!(relay.seen().is_empty(), "nothing was sent");
}
