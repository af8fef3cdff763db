//! The clinician's login: OPAQUE (RFC 9807), an augmented PAKE, with the `opaque-ke` crate.
//!
//! ```text
//! suite         OPRF ristretto255-SHA512, 3DH over ristretto255 with SHA-512
//! stretching    Argon2id, m = 65,536 KiB, t = 3, p = 1, 64-byte output, 16 zero bytes of salt
//!               (RFC 9807's KSF takes only the OPRF output, which is already unique per
//!               account and server); fixed here, never taken from the server
//! identifiers   client = the account's email, lower-cased; server = its OPAQUE public key
//! context       "companion/clinician-login/v1"
//! credential id the account's email, lower-cased (what the server keys the OPRF with)
//! wrap key      HKDF-SHA256(ikm = OPAQUE export key, salt = "", info = "companion/clinician/wrap/v2")
//! ```
//!
//! What each side learns: the server stores a registration record (the client's public key, a
//! masking key and an envelope) and learns neither the passphrase nor anything that lets it
//! test a guess more cheaply than a full Argon2id evaluation per guess, with no precomputation
//! across accounts or servers. Someone who only sees or rewrites the messages (a relay, a
//! server without the record) learns nothing to test guesses against offline, and the client
//! refuses a server that cannot prove it holds the record made at registration: the login
//! authenticates the server too. The export key never leaves the clinician's side; the
//! clinician's X25519 key is wrapped under a key derived from it (`login::WrapKey`).
//!
//! Every message crossing the network is decoded here ([`ServerRegistrationRequest`] etc.),
//! with a fixed length checked before anything else; the decoders are fuzzed.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use opaque_ke::errors::{InternalError, ProtocolError as OpaqueError};
use opaque_ke::generic_array::{ArrayLength, GenericArray};
use opaque_ke::ksf::Ksf;
use opaque_ke::rand::{CryptoRng, RngCore, SeedableRng};
use opaque_ke::{
    CipherSuite, ClientLogin, ClientLoginFinishParameters, ClientRegistration, ClientRegistrationFinishParameters,
    CredentialFinalization, CredentialRequest, CredentialResponse, Identifiers, RegistrationRequest,
    RegistrationResponse, RegistrationUpload, Ristretto255, ServerLogin, ServerLoginParameters, ServerRegistration,
    ServerSetup, TripleDh,
};
use zeroize::Zeroizing;

use super::login::WrapKey;
use super::ProtocolError;

/// The cipher suite: ristretto255 with SHA-512 for the OPRF and the 3DH key exchange, and
/// [`Stretch`] (Argon2id) as the key-stretching function.
pub struct Suite;

impl CipherSuite for Suite {
    type OprfCs = Ristretto255;
    type KeyExchange = TripleDh<Ristretto255, sha2::Sha512>;
    type Ksf = Stretch;
}

/// Argon2id memory, in KiB (64 MiB: RFC 9106's second recommended memory size, over three
/// times OWASP's 19 MiB floor; a login happens once per session).
pub const STRETCH_MEMORY_KIB: u32 = 65_536;
/// Argon2id passes.
pub const STRETCH_PASSES: u32 = 3;
/// Argon2id lanes.
pub const STRETCH_LANES: u32 = 1;
/// Binds both sides' transcripts to this protocol.
const CONTEXT: &[u8] = b"companion/clinician-login/v1";

/// Argon2id with the clinician side's fixed parameters (the server never chooses them).
#[derive(Default)]
pub struct Stretch;

impl Ksf for Stretch {
    fn hash<L: ArrayLength<u8>>(&self, input: GenericArray<u8, L>) -> Result<GenericArray<u8, L>, InternalError> {
        let params = Params::new(STRETCH_MEMORY_KIB, STRETCH_PASSES, STRETCH_LANES, Some(L::USIZE))
            .map_err(|_| InternalError::KsfError)?;
        let mut out = GenericArray::default();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(&input, &[0u8; 16], &mut out)
            .map_err(|_| InternalError::KsfError)?;
        Ok(out)
    }
}

/// Randomness for OPAQUE: ChaCha20 seeded from the system's generator (through ring), so that
/// a failure to get randomness is an error here rather than a panic inside the crate.
pub(crate) fn rng() -> Result<rand_chacha::ChaCha20Rng, ProtocolError> {
    Ok(rand_chacha::ChaCha20Rng::from_seed(super::random_array()?))
}

fn malformed(what: &'static str) -> impl Fn(OpaqueError) -> ProtocolError {
    move |_| ProtocolError::Malformed(what)
}

fn identifiers(email: &str) -> Identifiers<'_> {
    Identifiers { client: Some(email.as_bytes()), server: None }
}

/// The account name as both sides bind it: trimmed and lower-cased.
pub fn account_name(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Decode exactly `len` bytes with `decode`, refusing any other length first.
fn exact<T>(
    bytes: &[u8],
    len: usize,
    what: &'static str,
    decode: impl FnOnce(&[u8]) -> Result<T, OpaqueError>,
) -> Result<T, ProtocolError> {
    if bytes.len() != len {
        return Err(ProtocolError::Malformed(what));
    }
    decode(bytes).map_err(malformed(what))
}

/// Length of a registration request (client → server).
pub const REGISTRATION_REQUEST_LEN: usize = 32;
/// Length of a registration response (server → client).
pub const REGISTRATION_RESPONSE_LEN: usize = 64;
/// Length of a registration upload (client → server), which the server stores as the record.
pub const REGISTRATION_UPLOAD_LEN: usize = 192;
/// Length of KE1, the login's first message (client → server).
pub const LOGIN_REQUEST_LEN: usize = 96;
/// Length of KE2, the server's answer.
pub const LOGIN_RESPONSE_LEN: usize = 320;
/// Length of KE3, the client's proof (client → server).
pub const LOGIN_FINALIZATION_LEN: usize = 64;

// ----- the clinician's side ----------------------------------------------------------------

/// A registration in progress on the clinician's side.
pub struct ClientRegistrationState {
    state: ClientRegistration<Suite>,
}

impl fmt::Debug for ClientRegistrationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientRegistrationState(<redacted>)")
    }
}

/// Start registering: the request to send, and the state to finish with.
pub fn client_start_registration(passphrase: &[u8]) -> Result<(ClientRegistrationState, Vec<u8>), ProtocolError> {
    client_start_registration_with(&mut rng()?, passphrase)
}

pub(crate) fn client_start_registration_with(
    rng: &mut (impl CryptoRng + RngCore),
    passphrase: &[u8],
) -> Result<(ClientRegistrationState, Vec<u8>), ProtocolError> {
    let started = ClientRegistration::<Suite>::start(rng, passphrase).map_err(|_| ProtocolError::Crypto)?;
    Ok((ClientRegistrationState { state: started.state }, started.message.serialize().to_vec()))
}

/// Finish registering with the server's response: the upload to send (the server's record)
/// and the key that wraps the clinician's X25519 key.
pub fn client_finish_registration(
    state: ClientRegistrationState,
    passphrase: &[u8],
    response: &[u8],
    email: &str,
) -> Result<(Vec<u8>, WrapKey), ProtocolError> {
    client_finish_registration_with(&mut rng()?, state, passphrase, response, email)
}

pub(crate) fn client_finish_registration_with(
    rng: &mut (impl CryptoRng + RngCore),
    state: ClientRegistrationState,
    passphrase: &[u8],
    response: &[u8],
    email: &str,
) -> Result<(Vec<u8>, WrapKey), ProtocolError> {
    let response = exact(response, REGISTRATION_RESPONSE_LEN, "registration response", |b| {
        RegistrationResponse::<Suite>::deserialize(b)
    })?;
    let email = account_name(email);
    let params = ClientRegistrationFinishParameters::new(identifiers(&email), None);
    let done = state.state.finish(rng, passphrase, response, params).map_err(|_| ProtocolError::Authentication)?;
    Ok((done.message.serialize().to_vec(), WrapKey::from_export_key(&done.export_key)?))
}

/// A login in progress on the clinician's side.
pub struct ClientLoginState {
    state: ClientLogin<Suite>,
}

impl fmt::Debug for ClientLoginState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientLoginState(<redacted>)")
    }
}

/// Start logging in: KE1 to send, and the state to finish with.
pub fn client_start_login(passphrase: &[u8]) -> Result<(ClientLoginState, Vec<u8>), ProtocolError> {
    client_start_login_with(&mut rng()?, passphrase)
}

pub(crate) fn client_start_login_with(
    rng: &mut (impl CryptoRng + RngCore),
    passphrase: &[u8],
) -> Result<(ClientLoginState, Vec<u8>), ProtocolError> {
    let started = ClientLogin::<Suite>::start(rng, passphrase).map_err(|_| ProtocolError::Crypto)?;
    Ok((ClientLoginState { state: started.state }, started.message.serialize().to_vec()))
}

/// What a successful login gives the clinician's side.
pub struct ClientLoginFinish {
    /// KE3, the proof to send to the server.
    pub finalization: Vec<u8>,
    /// The key that unwraps the clinician's X25519 key.
    pub wrap_key: WrapKey,
}

impl fmt::Debug for ClientLoginFinish {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientLoginFinish(<redacted>)")
    }
}

/// Finish logging in with the server's KE2. `Authentication` when the passphrase is wrong, or
/// the server cannot prove it holds this account's record (a relay or an impostor): then
/// nothing is sent and nothing is learnt.
pub fn client_finish_login(
    state: ClientLoginState,
    passphrase: &[u8],
    response: &[u8],
    email: &str,
) -> Result<ClientLoginFinish, ProtocolError> {
    let response = exact(response, LOGIN_RESPONSE_LEN, "login response", CredentialResponse::<Suite>::deserialize)?;
    let email = account_name(email);
    let params = ClientLoginFinishParameters::new(Some(CONTEXT), identifiers(&email), None);
    let done =
        state.state.finish(&mut rng()?, passphrase, response, params).map_err(|_| ProtocolError::Authentication)?;
    Ok(ClientLoginFinish {
        finalization: done.message.serialize().to_vec(),
        wrap_key: WrapKey::from_export_key(&done.export_key)?,
    })
}

// ----- the server's side -------------------------------------------------------------------

/// The server's OPAQUE keys: its OPRF seed and its key pair (one per server, made on first
/// start and kept in its database). Never printed.
pub struct ServerKeys {
    setup: ServerSetup<Suite>,
}

impl fmt::Debug for ServerKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKeys(<redacted>)")
    }
}

impl ServerKeys {
    /// Fresh keys for a new server.
    pub fn generate() -> Result<ServerKeys, ProtocolError> {
        Ok(Self::generate_with(&mut rng()?))
    }

    pub(crate) fn generate_with(rng: &mut (impl CryptoRng + RngCore)) -> ServerKeys {
        ServerKeys { setup: ServerSetup::<Suite>::new(rng) }
    }

    /// The bytes to store.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.setup.serialize().to_vec())
    }

    /// Keys from stored bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<ServerKeys, ProtocolError> {
        let setup = ServerSetup::<Suite>::deserialize(bytes).map_err(|_| ProtocolError::Malformed("server keys"))?;
        Ok(ServerKeys { setup })
    }

    /// Answer a registration request for `email`.
    pub fn registration_response(&self, request: &[u8], email: &str) -> Result<Vec<u8>, ProtocolError> {
        let request = exact(request, REGISTRATION_REQUEST_LEN, "registration request", |b| {
            RegistrationRequest::<Suite>::deserialize(b)
        })?;
        let email = account_name(email);
        let r = ServerRegistration::<Suite>::start(&self.setup, request, email.as_bytes())
            .map_err(malformed("registration request"))?;
        Ok(r.message.serialize().to_vec())
    }

    /// Answer KE1 for `email`: KE2 and the state to keep until KE3 arrives. With no record
    /// (no such account, or one that may not try now) the answer is a fake made from the
    /// server's keys, indistinguishable from a real one; no KE3 will ever verify against it.
    pub fn login_response(
        &self,
        record: Option<&RegistrationRecord>,
        request: &[u8],
        email: &str,
    ) -> Result<(ServerLoginState, Vec<u8>), ProtocolError> {
        self.login_response_with(&mut rng()?, record, request, email)
    }

    pub(crate) fn login_response_with(
        &self,
        rng: &mut (impl CryptoRng + RngCore),
        record: Option<&RegistrationRecord>,
        request: &[u8],
        email: &str,
    ) -> Result<(ServerLoginState, Vec<u8>), ProtocolError> {
        let request = exact(request, LOGIN_REQUEST_LEN, "login request", CredentialRequest::<Suite>::deserialize)?;
        let email = account_name(email);
        let params = ServerLoginParameters { context: Some(CONTEXT), identifiers: identifiers(&email) };
        let record = record.map(|r| r.record.clone());
        let started = ServerLogin::start(rng, &self.setup, record, request, email.as_bytes(), params)
            .map_err(malformed("login request"))?;
        Ok((
            ServerLoginState { bytes: Zeroizing::new(started.state.serialize().to_vec()) },
            started.message.serialize().to_vec(),
        ))
    }
}

/// A registration record as the server stores it (checked when it arrives).
#[derive(Clone)]
pub struct RegistrationRecord {
    record: ServerRegistration<Suite>,
}

impl fmt::Debug for RegistrationRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RegistrationRecord")
    }
}

impl RegistrationRecord {
    /// The record from a client's registration upload.
    pub fn from_upload(upload: &[u8]) -> Result<RegistrationRecord, ProtocolError> {
        let upload = exact(upload, REGISTRATION_UPLOAD_LEN, "registration upload", |b| {
            RegistrationUpload::<Suite>::deserialize(b)
        })?;
        Ok(RegistrationRecord { record: ServerRegistration::finish(upload) })
    }

    /// A stored record.
    pub fn from_bytes(bytes: &[u8]) -> Result<RegistrationRecord, ProtocolError> {
        exact(bytes, REGISTRATION_UPLOAD_LEN, "registration record", ServerRegistration::<Suite>::deserialize)
            .map(|record| RegistrationRecord { record })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.record.serialize().to_vec()
    }
}

/// What the server keeps between KE2 and KE3 (secret: it holds the session's keys).
pub struct ServerLoginState {
    bytes: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for ServerLoginState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerLoginState(<redacted>)")
    }
}

impl ServerLoginState {
    pub fn to_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> ServerLoginState {
        ServerLoginState { bytes: Zeroizing::new(bytes.to_vec()) }
    }

    /// Check the client's KE3: `Authentication` unless it proves the passphrase for this
    /// exact exchange.
    pub fn verify(self, finalization: &[u8], email: &str) -> Result<(), ProtocolError> {
        let state = ServerLogin::<Suite>::deserialize(&self.bytes).map_err(malformed("login state"))?;
        let ke3 = exact(finalization, LOGIN_FINALIZATION_LEN, "login finalization", |b| {
            CredentialFinalization::<Suite>::deserialize(b)
        })?;
        let email = account_name(email);
        let params = ServerLoginParameters { context: Some(CONTEXT), identifiers: identifiers(&email) };
        state.finish(ke3, params).map(|_| ()).map_err(|_| ProtocolError::Authentication)
    }
}

/// Deterministic randomness for the test vectors (never used outside tests).
#[cfg(test)]
pub(crate) fn seeded(seed: u8) -> rand_chacha::ChaCha20Rng {
    rand_chacha::ChaCha20Rng::from_seed([seed; 32])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::login::{unwrap_recipient_secret, wrap_recipient_secret};
    use crate::protocol::RecipientSecret;

    const EMAIL: &str = "Dr.Example@clinic.invalid";
    const PASS: &[u8] = b"a long clinician passphrase for tests";

    fn register(server: &ServerKeys, passphrase: &[u8]) -> (RegistrationRecord, WrapKey) {
        let (state, request) = client_start_registration(passphrase).unwrap();
        assert_eq!(request.len(), REGISTRATION_REQUEST_LEN);
        let response = server.registration_response(&request, EMAIL).unwrap();
        assert_eq!(response.len(), REGISTRATION_RESPONSE_LEN);
        let (upload, wrap) = client_finish_registration(state, passphrase, &response, EMAIL).unwrap();
        assert_eq!(upload.len(), REGISTRATION_UPLOAD_LEN);
        (RegistrationRecord::from_upload(&upload).unwrap(), wrap)
    }

    fn login(
        server: &ServerKeys,
        record: Option<&RegistrationRecord>,
        passphrase: &[u8],
    ) -> Result<WrapKey, ProtocolError> {
        let (state, ke1) = client_start_login(passphrase)?;
        assert_eq!(ke1.len(), LOGIN_REQUEST_LEN);
        let (server_state, ke2) = server.login_response(record, &ke1, EMAIL)?;
        assert_eq!(ke2.len(), LOGIN_RESPONSE_LEN);
        let done = client_finish_login(state, passphrase, &ke2, EMAIL)?;
        server_state.verify(&done.finalization, EMAIL)?;
        Ok(done.wrap_key)
    }

    #[test]
    fn the_right_passphrase_logs_in_and_unwraps_what_registration_wrapped() {
        let server = ServerKeys::generate().unwrap();
        let (record, wrap) = register(&server, PASS);
        let secret = RecipientSecret::generate().unwrap();
        let wrapped = wrap_recipient_secret(&wrap, EMAIL, &secret).unwrap();
        let again = login(&server, Some(&record), PASS).unwrap();
        assert_eq!(unwrap_recipient_secret(&again, EMAIL, &wrapped).unwrap().public(), secret.public());
        // The record survives storage.
        let stored = RegistrationRecord::from_bytes(&record.to_bytes()).unwrap();
        assert!(login(&server, Some(&stored), PASS).is_ok());
        let keys = ServerKeys::from_bytes(&server.to_bytes()).unwrap();
        assert!(login(&keys, Some(&stored), PASS).is_ok());
    }

    #[test]
    fn a_wrong_passphrase_an_unknown_account_or_another_server_is_refused_by_the_client() {
        let server = ServerKeys::generate().unwrap();
        let (record, _) = register(&server, PASS);
        assert_eq!(
            login(&server, Some(&record), b"a long clinician passphrase for test").unwrap_err(),
            ProtocolError::Authentication
        );
        assert_eq!(login(&server, None, PASS).unwrap_err(), ProtocolError::Authentication);
        // An impostor with its own keys and even the stolen record cannot pass as the server.
        let impostor = ServerKeys::generate().unwrap();
        assert_eq!(login(&impostor, Some(&record), PASS).unwrap_err(), ProtocolError::Authentication);
    }

    #[test]
    fn a_server_accepts_no_finalization_but_the_clients_own() {
        let server = ServerKeys::generate().unwrap();
        let (record, _) = register(&server, PASS);
        let (state, ke1) = client_start_login(PASS).unwrap();
        let (server_state, ke2) = server.login_response(Some(&record), &ke1, EMAIL).unwrap();
        let done = client_finish_login(state, PASS, &ke2, EMAIL).unwrap();
        let mut forged = done.finalization.clone();
        forged[0] ^= 1;
        assert_eq!(
            ServerLoginState::from_bytes(server_state.to_bytes()).verify(&forged, EMAIL).unwrap_err(),
            ProtocolError::Authentication
        );
        assert!(server_state.verify(&done.finalization, EMAIL).is_ok());
    }

    #[test]
    fn messages_of_the_wrong_length_or_shape_are_malformed() {
        let server = ServerKeys::generate().unwrap();
        for len in [0, 31, 33, 96] {
            assert!(matches!(server.registration_response(&vec![1; len], EMAIL), Err(ProtocolError::Malformed(_))));
        }
        assert!(matches!(
            server.login_response(None, &[0xff; LOGIN_REQUEST_LEN], EMAIL),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(
            RegistrationRecord::from_upload(&[0u8; REGISTRATION_UPLOAD_LEN]),
            Err(ProtocolError::Malformed(_))
        ));
        assert!(matches!(ServerKeys::from_bytes(b"short"), Err(ProtocolError::Malformed(_))));
    }

    #[test]
    fn secrets_are_never_printed() {
        let server = ServerKeys::generate().unwrap();
        assert_eq!(format!("{server:?}"), "ServerKeys(<redacted>)");
        let (state, _) = client_start_login(PASS).unwrap();
        assert_eq!(format!("{state:?}"), "ClientLoginState(<redacted>)");
    }
}
