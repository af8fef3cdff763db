//! Registering, logging in and the one-time upgrade of a version-1 account, over the HTTP API
//! (docs/protocol.md, "Clinician login"). The protocol itself is `protocol::opaque`; this side
//! refuses plain HTTP except to this machine, sets the passphrase-strength floor at
//! registration, and never takes key-derivation parameters from the server.

use super::{json, Clinician};
use crate::error::{Error, Result};
use crate::protocol::login::{self, WrapKey};
use crate::protocol::passphrase::check_passphrase_strength;
use crate::protocol::server_url::check_server_url;
use crate::protocol::wire::*;
use crate::protocol::{self, opaque, RecipientSecret};
use crate::sync::Transport;

/// The server's base address, checked.
fn base_of(server: &str) -> Result<String> {
    check_server_url(server)?;
    Ok(server.trim().trim_end_matches('/').to_string())
}

/// A refusal by the server during a login is the one "login refused" answer.
fn refused_as_login(e: Error) -> Error {
    match e {
        Error::Server { status: 401, .. } => Error::LoginRefused,
        other => other,
    }
}

/// How one run of the login ended, when it did not succeed.
enum Attempt {
    /// The last step was refused or lost after the server proved itself: run again.
    FinishLost(Error),
    Failed(Error),
}

impl From<Error> for Attempt {
    fn from(e: Error) -> Self {
        Attempt::Failed(e)
    }
}

impl From<protocol::ProtocolError> for Attempt {
    fn from(e: protocol::ProtocolError) -> Self {
        Attempt::Failed(e.into())
    }
}

/// Wrap a new X25519 key pair's private half, for the server to store.
fn wrapped(wrap: &WrapKey, email: &str, secret: &RecipientSecret) -> Result<B64> {
    Ok(B64(protocol::wrap_recipient_secret(wrap, email, secret)?))
}

/// Run OPAQUE's registration against `start_url` (whose body `request_body` builds from the
/// registration request): the upload to send and the wrap key.
fn register_opaque(
    transport: &dyn Transport,
    start_url: String,
    token: Option<&str>,
    request_body: impl FnOnce(B64) -> serde_json::Value,
    passphrase: &[u8],
    email: &str,
) -> Result<(B64, WrapKey)> {
    let (state, request) = opaque::client_start_registration(passphrase)?;
    let started: RegistrationStarted =
        json(transport, "POST", start_url, token, Some(&request_body(B64(request))), &[200])?;
    let (upload, wrap) = opaque::client_finish_registration(state, passphrase, &started.response.0, email)?;
    Ok((B64(upload), wrap))
}

impl<'a> Clinician<'a> {
    /// Create an account from an admin invite, then log in. The passphrase must pass the
    /// strength floor (checked here, before anything is sent).
    pub fn register(
        transport: &'a dyn Transport,
        server: &str,
        invite_token: &str,
        email: &str,
        display_name: &str,
        passphrase: &[u8],
    ) -> Result<Clinician<'a>> {
        let base = base_of(server)?;
        let email = opaque::account_name(email);
        check_passphrase_strength(passphrase, &[&email, display_name])?;
        let invite_token = invite_token.trim().to_string();
        let (upload, wrap) = register_opaque(
            transport,
            format!("{base}/v1/clinicians/register/start"),
            None,
            |request| {
                serde_json::json!(RegistrationStart {
                    invite_token: invite_token.clone(),
                    email: email.clone(),
                    request
                })
            },
            passphrase,
            &email,
        )?;
        let secret = RecipientSecret::generate()?;
        let reg = RegisterClinician {
            invite_token,
            email: email.clone(),
            display_name: display_name.to_string(),
            upload,
            public_key: B64(secret.public().0.to_vec()),
            wrapped_private_key: wrapped(&wrap, &email, &secret)?,
        };
        let _: ClinicianAccount = json(transport, "POST", format!("{base}/v1/clinicians"), None, Some(&reg), &[201])?;
        Self::login(transport, server, &email, passphrase, None)
    }

    /// Log in with OPAQUE and unwrap the private key. `ticket`: the one an earlier login on
    /// this machine returned ([`Clinician::ticket`]), if kept. A wrong passphrase, an account
    /// that must upgrade first, too many attempts and a server that cannot prove it holds the
    /// account are all [`Error::LoginRefused`].
    ///
    /// A login whose last step was lost on the way (its answer dropped, or sent twice so that
    /// the server had already used it) runs again from the start, up to three times in all:
    /// each run is a fresh OPAQUE exchange, so repeating it tells nobody anything.
    pub fn login(
        transport: &'a dyn Transport,
        server: &str,
        email: &str,
        passphrase: &[u8],
        ticket: Option<&str>,
    ) -> Result<Clinician<'a>> {
        let base = base_of(server)?;
        let email = opaque::account_name(email);
        let mut tries = 0;
        loop {
            tries += 1;
            match Self::login_once(transport, &base, &email, passphrase, ticket) {
                Err(Attempt::FinishLost(_)) if tries < 3 => continue,
                Err(Attempt::FinishLost(e) | Attempt::Failed(e)) => return Err(e),
                Ok(c) => return Ok(c),
            }
        }
    }

    fn login_once(
        transport: &'a dyn Transport,
        base: &str,
        email: &str,
        passphrase: &[u8],
        ticket: Option<&str>,
    ) -> std::result::Result<Clinician<'a>, Attempt> {
        let (base, email) = (base.to_string(), email.to_string());
        let (state, request) = opaque::client_start_login(passphrase)?;
        let start = LoginStart { email: email.clone(), request: B64(request), ticket: ticket.map(str::to_string) };
        let started: LoginStarted =
            json(transport, "POST", format!("{base}/v1/sessions/start"), None, Some(&start), &[200])?;
        let done =
            opaque::client_finish_login(state, passphrase, &started.response.0, &email).map_err(|e| match e {
                protocol::ProtocolError::Crypto => Error::Crypto,
                _ => Error::LoginRefused,
            })?;
        let finish = LoginFinish { login_id: started.login_id, finalization: B64(done.finalization) };
        let session: LoginResponse =
            json(transport, "POST", format!("{base}/v1/sessions/finish"), None, Some(&finish), &[200]).map_err(
                |e| match e {
                    // The server proved it holds the account, so a refusal here is a lost or
                    // repeated last step: worth one more run from the start.
                    Error::Server { status: 401, .. } | Error::Network(_) => Attempt::FinishLost(refused_as_login(e)),
                    other => Attempt::Failed(other),
                },
            )?;
        let secret = login::unwrap_recipient_secret(&done.wrap_key, &email, &session.account.wrapped_private_key.0)
            .map_err(|_| Error::LoginRefused)?;
        if secret.public().0.to_vec() != session.account.public_key.0 {
            return Err(Error::KeyMismatch.into());
        }
        Ok(Clinician {
            transport,
            base,
            token: session.token,
            account: session.account,
            secret,
            ticket: session.ticket,
        })
    }

    /// Move a version-1 account to OPAQUE, once, keeping its key pair (and so every share):
    /// log in the old way, unwrap the private key, register OPAQUE, re-wrap the key under
    /// OPAQUE's key; the server then deletes the old verifier. Then log in with OPAQUE.
    ///
    /// The old way takes the account's salt and iteration count from the server (its only
    /// record of them; version 1 let each clinician's side choose the count), the count only
    /// within this side's bounds ([`protocol::legacy_upgrade_iterations`]): a server or relay
    /// answering here gets at most an auth secret that costs 100,000 iterations of PBKDF2 per
    /// guess, once. Run it only when asked to.
    pub fn upgrade_legacy_login(
        transport: &'a dyn Transport,
        server: &str,
        email: &str,
        passphrase: &[u8],
    ) -> Result<Clinician<'a>> {
        let base = base_of(server)?;
        let email = opaque::account_name(email);
        let pre: PreloginResponse = json(
            transport,
            "POST",
            format!("{base}/v1/clinicians/prelogin"),
            None,
            Some(&PreloginRequest { email: email.clone() }),
            &[200],
        )?;
        // `pre.iterations` is the server's word: taken only within this side's own bounds.
        let iterations = protocol::legacy_upgrade_iterations(pre.iterations);
        let old = protocol::derive_clinician_keys(passphrase, &pre.salt.0, iterations)?;
        let legacy: LegacyLoginResponse = json(
            transport,
            "POST",
            format!("{base}/v1/sessions/legacy"),
            None,
            Some(&LegacyLoginRequest { email: email.clone(), auth_secret: B64(old.auth_secret().to_vec()) }),
            &[200],
        )
        .map_err(refused_as_login)?;
        let secret = login::unwrap_recipient_secret(old.wrap_key(), &email, &legacy.account.wrapped_private_key.0)
            .map_err(|_| Error::LoginRefused)?;
        if secret.public().0.to_vec() != legacy.account.public_key.0 {
            return Err(Error::KeyMismatch);
        }
        let token = legacy.upgrade_token;
        let (upload, wrap) = register_opaque(
            transport,
            format!("{base}/v1/clinicians/upgrade/start"),
            Some(&token),
            |request| serde_json::json!(UpgradeStart { request }),
            passphrase,
            &email,
        )?;
        let finish = UpgradeFinish { upload, wrapped_private_key: wrapped(&wrap, &email, &secret)? };
        let _: ClinicianAccount = json(
            transport,
            "POST",
            format!("{base}/v1/clinicians/upgrade/finish"),
            Some(&token),
            Some(&finish),
            &[200],
        )?;
        Self::login(transport, server, &email, passphrase, None)
    }
}
