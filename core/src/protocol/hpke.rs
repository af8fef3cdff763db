//! HPKE (RFC 9180), base mode, single-shot, for the suite the protocol uses:
//! DHKEM(X25519, HKDF-SHA256) (0x0020), HKDF-SHA256 (0x0001), AES-256-GCM (0x0002).
//! (AES-128-GCM, 0x0001, is implemented too, only so that RFC 9180's appendix A.1 vectors can
//! check the KEM, the key schedule and the nonces.)
//!
//! ring can only use X25519 with single-use ephemeral keys, and a clinician's stored key must
//! open what was sealed to it, so X25519 comes from `x25519-dalek`; HKDF, HMAC and AES-GCM come
//! from ring. The implementation follows RFC 9180 sections 4 (DHKEM), 5.1 (key schedule) and
//! 5.2 (encryption), and is checked against the RFC's published test vector for this suite
//! (`docs/test-vectors/hpke-rfc9180.json`), including every intermediate value.

use ring::{aead, hkdf, hmac};
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::ProtocolError;

const KEM_ID: u16 = 0x0020;
const KDF_ID: u16 = 0x0001;
const NN: usize = 12;

/// An AEAD of the suite.
#[derive(Clone, Copy)]
pub(crate) struct Aead {
    id: u16,
    nk: usize,
    alg: &'static aead::Algorithm,
}

/// AES-256-GCM: what the protocol uses.
pub(crate) const AES_256_GCM: Aead = Aead { id: 0x0002, nk: 32, alg: &aead::AES_256_GCM };
/// AES-128-GCM: only for RFC 9180 appendix A.1.
#[cfg(test)]
pub(crate) const AES_128_GCM: Aead = Aead { id: 0x0001, nk: 16, alg: &aead::AES_128_GCM };
const NSECRET: usize = 32;
/// Length of the encapsulated key (an X25519 public key).
pub const NENC: usize = 32;

fn kem_suite_id() -> [u8; 5] {
    let k = KEM_ID.to_be_bytes();
    [b'K', b'E', b'M', k[0], k[1]]
}

fn hpke_suite_id(aead: Aead) -> [u8; 10] {
    let (k, f, a) = (KEM_ID.to_be_bytes(), KDF_ID.to_be_bytes(), aead.id.to_be_bytes());
    [b'H', b'P', b'K', b'E', k[0], k[1], f[0], f[1], a[0], a[1]]
}

/// LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm).
fn labeled_extract(suite: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> Zeroizing<[u8; 32]> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, salt);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(b"HPKE-v1");
    ctx.update(suite);
    ctx.update(label);
    ctx.update(ikm);
    let tag = ctx.sign();
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(tag.as_ref());
    out
}

struct Len(usize);
impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// LabeledExpand(prk, label, info, L) = HKDF-Expand(prk, I2OSP(L, 2) ‖ "HPKE-v1" ‖ suite_id ‖ label ‖ info, L).
fn labeled_expand(
    suite: &[u8],
    prk: &[u8; 32],
    label: &[u8],
    info: &[u8],
    out: &mut [u8],
) -> Result<(), ProtocolError> {
    let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, prk);
    let l = (out.len() as u16).to_be_bytes();
    let parts: [&[u8]; 5] = [&l, b"HPKE-v1", suite, label, info];
    prk.expand(&parts, Len(out.len()))?.fill(out)?;
    Ok(())
}

/// DH with the all-zero check RFC 9180 requires for X25519.
fn dh(sk: &StaticSecret, pk: &PublicKey) -> Result<Zeroizing<[u8; 32]>, ProtocolError> {
    let shared = sk.diffie_hellman(pk);
    if !shared.was_contributory() {
        return Err(ProtocolError::Malformed("recipient public key"));
    }
    Ok(Zeroizing::new(shared.to_bytes()))
}

/// ExtractAndExpand(dh, kem_context) of DHKEM.
fn shared_secret(dh: &[u8; 32], enc: &[u8; 32], pk_r: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>, ProtocolError> {
    let suite = kem_suite_id();
    let eae_prk = labeled_extract(&suite, b"", b"eae_prk", dh);
    let mut ctx = [0u8; 64];
    ctx[..32].copy_from_slice(enc);
    ctx[32..].copy_from_slice(pk_r);
    let mut out = Zeroizing::new([0u8; NSECRET]);
    labeled_expand(&suite, &eae_prk, b"shared_secret", &ctx, out.as_mut())?;
    Ok(out)
}

/// The AEAD key and base nonce for base mode.
pub(crate) struct Context {
    aead: Aead,
    key: Zeroizing<Vec<u8>>,
    base_nonce: [u8; NN],
}

fn key_schedule(aead: Aead, shared: &[u8; 32], info: &[u8]) -> Result<Context, ProtocolError> {
    let suite = hpke_suite_id(aead);
    let psk_id_hash = labeled_extract(&suite, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(&suite, b"", b"info_hash", info);
    let mut ksc = [0u8; 65];
    ksc[0] = 0x00; // mode_base
    ksc[1..33].copy_from_slice(psk_id_hash.as_ref());
    ksc[33..].copy_from_slice(info_hash.as_ref());
    let secret = labeled_extract(&suite, shared, b"secret", b"");
    let mut key = Zeroizing::new(vec![0u8; aead.nk]);
    labeled_expand(&suite, &secret, b"key", &ksc, key.as_mut_slice())?;
    let mut base_nonce = [0u8; NN];
    labeled_expand(&suite, &secret, b"base_nonce", &ksc, &mut base_nonce)?;
    Ok(Context { aead, key, base_nonce })
}

impl Context {
    fn nonce(&self, seq: u64) -> aead::Nonce {
        let mut n = self.base_nonce;
        for (i, b) in seq.to_be_bytes().iter().enumerate() {
            n[NN - 8 + i] ^= b;
        }
        aead::Nonce::assume_unique_for_key(n)
    }

    fn aead(&self) -> Result<aead::LessSafeKey, ProtocolError> {
        Ok(aead::LessSafeKey::new(aead::UnboundKey::new(self.aead.alg, self.key.as_slice())?))
    }

    /// Seal message number `seq` of this context.
    pub(crate) fn seal(&self, seq: u64, aad: &[u8], pt: &[u8]) -> Result<Vec<u8>, ProtocolError> {
        let mut buf = pt.to_vec();
        self.aead()?.seal_in_place_append_tag(self.nonce(seq), aead::Aad::from(aad), &mut buf)?;
        Ok(buf)
    }

    /// Open message number `seq` of this context.
    pub(crate) fn open(&self, seq: u64, aad: &[u8], ct: &[u8]) -> Result<Zeroizing<Vec<u8>>, ProtocolError> {
        let mut buf = Zeroizing::new(ct.to_vec());
        let n = self
            .aead()?
            .open_in_place(self.nonce(seq), aead::Aad::from(aad), buf.as_mut_slice())
            .map_err(|_| ProtocolError::Authentication)?
            .len();
        buf.truncate(n);
        Ok(buf)
    }
}

/// SetupBaseS with a given ephemeral secret (random in use; fixed in test vectors).
pub(crate) fn setup_sender(
    aead: Aead,
    pk_r: &[u8; 32],
    info: &[u8],
    sk_e: &StaticSecret,
) -> Result<([u8; NENC], Context), ProtocolError> {
    let pk_r_point = PublicKey::from(*pk_r);
    let enc = PublicKey::from(sk_e).to_bytes();
    let dh = dh(sk_e, &pk_r_point)?;
    let shared = shared_secret(&dh, &enc, pk_r)?;
    Ok((enc, key_schedule(aead, &shared, info)?))
}

/// SetupBaseR.
pub(crate) fn setup_receiver(
    aead: Aead,
    enc: &[u8; NENC],
    sk_r: &StaticSecret,
    info: &[u8],
) -> Result<Context, ProtocolError> {
    let pk_e = PublicKey::from(*enc);
    let pk_r = PublicKey::from(sk_r).to_bytes();
    let dh = dh(sk_r, &pk_e)?;
    let shared = shared_secret(&dh, enc, &pk_r)?;
    key_schedule(aead, &shared, info)
}

/// Single-shot seal to `pk_r` with a fresh ephemeral key: returns (enc, ciphertext).
pub fn seal(pk_r: &[u8; 32], info: &[u8], aad: &[u8], pt: &[u8]) -> Result<([u8; NENC], Vec<u8>), ProtocolError> {
    let sk_e = StaticSecret::from(super::random_array::<32>()?);
    let (enc, ctx) = setup_sender(AES_256_GCM, pk_r, info, &sk_e)?;
    Ok((enc, ctx.seal(0, aad, pt)?))
}

/// Single-shot open with the recipient's secret.
pub fn open(
    enc: &[u8; NENC],
    sk_r: &StaticSecret,
    info: &[u8],
    aad: &[u8],
    ct: &[u8],
) -> Result<Zeroizing<Vec<u8>>, ProtocolError> {
    setup_receiver(AES_256_GCM, enc, sk_r, info)?.open(0, aad, ct)
}

#[cfg(test)]
pub(crate) mod kat {
    //! Access to intermediate values for the RFC 9180 vector test.
    use super::*;

    pub struct Intermediates {
        pub enc: [u8; 32],
        pub shared_secret: [u8; 32],
        pub key: Vec<u8>,
        pub base_nonce: [u8; 12],
    }

    pub fn sender(aead: Aead, pk_r: &[u8; 32], info: &[u8], sk_e: [u8; 32]) -> (Intermediates, Context) {
        let sk_e = StaticSecret::from(sk_e);
        let pk_r_point = PublicKey::from(*pk_r);
        let enc = PublicKey::from(&sk_e).to_bytes();
        let dh = dh(&sk_e, &pk_r_point).unwrap();
        let shared = shared_secret(&dh, &enc, pk_r).unwrap();
        let ctx = key_schedule(aead, &shared, info).unwrap();
        (Intermediates { enc, shared_secret: *shared, key: ctx.key.to_vec(), base_nonce: ctx.base_nonce }, ctx)
    }
}
