//! Test vectors: RFC 9180's own for the HPKE suite, and ours for every protocol format.
//!
//! `docs/test-vectors/protocol-v1.json` holds fixed inputs and the exact bytes this
//! implementation produces; a second implementation (the TypeScript dashboard) must produce the
//! same. Regenerate after an intentional format change with
//! `COMPANION_WRITE_VECTORS=1 cargo test -p companion-core protocol::vectors`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use x25519_dalek::StaticSecret;

use super::envelope::{self, ChunkKind};
use super::{device, hpke, invite::Invite, keys, login, ChunkId, RecipientSecret, ShareId, ShareKey};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn arr<const N: usize>(s: &str) -> [u8; N] {
    <[u8; N]>::try_from(unhex(s).as_slice()).unwrap()
}

fn vectors_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/test-vectors")
}

#[derive(Deserialize)]
struct RfcEncryption {
    seq: u64,
    aad: String,
    nonce: String,
    plaintext: String,
    ciphertext: String,
}

#[derive(Deserialize)]
struct RfcVector {
    mode: u8,
    kem_id: u16,
    kdf_id: u16,
    aead_id: u16,
    info: String,
    #[serde(rename = "skRm")]
    sk_rm: String,
    #[serde(rename = "skEm")]
    sk_em: String,
    #[serde(rename = "pkRm")]
    pk_rm: String,
    enc: String,
    shared_secret: String,
    key: String,
    base_nonce: String,
    encryptions: Vec<RfcEncryption>,
}

#[test]
fn hpke_matches_rfc_9180() {
    let text = std::fs::read_to_string(vectors_dir().join("hpke-rfc9180.json")).unwrap();
    let v: RfcVector = serde_json::from_str(&text).unwrap();
    assert_eq!((v.mode, v.kem_id, v.kdf_id, v.aead_id), (0, 0x20, 1, 1));
    let sk_r = StaticSecret::from(arr::<32>(&v.sk_rm));
    assert_eq!(hex(x25519_dalek::PublicKey::from(&sk_r).as_bytes()), v.pk_rm);
    let info = unhex(&v.info);
    let (mid, ctx) = hpke::kat::sender(hpke::AES_128_GCM, &arr(&v.pk_rm), &info, arr(&v.sk_em));
    assert_eq!(hex(&mid.enc), v.enc);
    assert_eq!(hex(&mid.shared_secret), v.shared_secret);
    assert_eq!(hex(&mid.key), v.key);
    assert_eq!(hex(&mid.base_nonce), v.base_nonce);
    let receiver = hpke::setup_receiver(hpke::AES_128_GCM, &arr(&v.enc), &sk_r, &info).unwrap();
    for e in &v.encryptions {
        let ct = ctx.seal(e.seq, &unhex(&e.aad), &unhex(&e.plaintext)).unwrap();
        assert_eq!(hex(&ct), e.ciphertext, "seq {}", e.seq);
        let pt = receiver.open(e.seq, &unhex(&e.aad), &unhex(&e.ciphertext)).unwrap();
        assert_eq!(hex(&pt), e.plaintext);
        assert!(e.nonce.len() == 24);
    }
}

/// The protocol's suite (AES-256-GCM) against an independent implementation, both ways.
#[test]
fn hpke_aes256_interoperates_with_rustcrypto_hpke() {
    use ::hpke::aead::AesGcm256;
    use ::hpke::kdf::HkdfSha256;
    use ::hpke::kem::X25519HkdfSha256;
    use ::hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
    type K = X25519HkdfSha256;
    let info = b"companion/share-key/v1 interop";
    let aad = b"aad";
    for _ in 0..20 {
        // They seal, we open.
        let (sk, pk) = K::gen_keypair();
        let (enc, ct) =
            ::hpke::single_shot_seal::<AesGcm256, HkdfSha256, K>(&OpModeS::Base, &pk, info, b"share key bytes", aad)
                .unwrap();
        let ours = StaticSecret::from(<[u8; 32]>::try_from(sk.to_bytes().as_slice()).unwrap());
        let enc_b = <[u8; 32]>::try_from(enc.to_bytes().as_slice()).unwrap();
        assert_eq!(&hpke::open(&enc_b, &ours, info, aad, &ct).unwrap()[..], b"share key bytes");
        // We seal, they open.
        let pk_b = <[u8; 32]>::try_from(pk.to_bytes().as_slice()).unwrap();
        let (enc2, ct2) = hpke::seal(&pk_b, info, aad, b"another key").unwrap();
        let enc2 = <K as ::hpke::Kem>::EncappedKey::from_bytes(&enc2).unwrap();
        let pt =
            ::hpke::single_shot_open::<AesGcm256, HkdfSha256, K>(&OpModeR::Base, &sk, &enc2, info, &ct2, aad).unwrap();
        assert_eq!(pt, b"another key");
    }
}

/// An OPAQUE registration and login (docs/protocol.md, "Clinician login"), every random
/// choice drawn from ChaCha20 with a fixed seed per step, and the private key wrapped under the
/// export key's wrap key with a fixed nonce.
fn opaque_login(recipient: &RecipientSecret) -> Value {
    use super::opaque::{self, seeded};
    let (email, pass) = ("dr.example@clinic.invalid", b"correct horse battery staple");
    let server = opaque::ServerKeys::generate_with(&mut seeded(1));
    let (reg, request) = opaque::client_start_registration_with(&mut seeded(2), pass).unwrap();
    let response = server.registration_response(&request, email).unwrap();
    let (upload, wrap) = opaque::client_finish_registration_with(&mut seeded(3), reg, pass, &response, email).unwrap();
    let record = opaque::RegistrationRecord::from_upload(&upload).unwrap();
    let (login, ke1) = opaque::client_start_login_with(&mut seeded(4), pass).unwrap();
    let (state, ke2) = server.login_response_with(&mut seeded(5), Some(&record), &ke1, email).unwrap();
    let done = opaque::client_finish_login(login, pass, &ke2, email).unwrap();
    state.verify(&done.finalization, email).unwrap();
    let wrapped = login::wrap_with_nonce(&wrap, email, recipient, arr("e0e1e2e3e4e5e6e7e8e9eaeb")).unwrap();
    assert_eq!(login::unwrap_recipient_secret(&done.wrap_key, email, &wrapped).unwrap().public(), recipient.public());
    json!({
        "suite": "OPRF ristretto255-SHA512, 3DH ristretto255 with SHA-512, KSF Argon2id m=65536 KiB t=3 p=1, context companion/clinician-login/v1, client identity = account",
        "rng": "ChaCha20 seeded with 32 bytes of 0x01 (server keys), 0x02 (registration start), 0x03 (registration finish), 0x04 (login start), 0x05 (server's KE2)",
        "passphrase_utf8": "correct horse battery staple", "account": email,
        "server_keys": hex(&server.to_bytes()),
        "registration_request": hex(&request), "registration_response": hex(&response),
        "registration_upload": hex(&upload),
        "ke1": hex(&ke1), "ke2": hex(&ke2), "ke3": hex(&done.finalization),
        "recipient_secret": hex(recipient.to_bytes().as_ref()), "nonce": "e0e1e2e3e4e5e6e7e8e9eaeb",
        "wrapped_secret_v2": hex(&wrapped),
    })
}

/// Every protocol format from fixed inputs.
fn compute() -> Value {
    let share = ShareId(arr("00112233445566778899aabbccddeeff"));
    let share_key = ShareKey::from_bytes(arr("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    let chunk_id = ChunkId(arr("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"));
    let nonce: [u8; 12] = arr("b0b1b2b3b4b5b6b7b8b9babb");
    let plaintext = b"automerge change bytes";
    let change =
        envelope::seal_with_nonce(&share_key, &share, ChunkKind::Change, chunk_id, 0, nonce, plaintext).unwrap();
    let snap_id = ChunkId(arr("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"));
    let snapshot =
        envelope::seal_with_nonce(&share_key, &share, ChunkKind::Snapshot, snap_id, 42, nonce, b"compacted document")
            .unwrap();

    let recipient =
        RecipientSecret::from_bytes(arr("4ff7d1d1a2e8b1a8bd69ec1e1b8a02acf1e0ba6a4d4a1eac4bb0be2b1ed1dd42"));
    let eph = StaticSecret::from(arr::<32>("5ad5d9c1af7b5e2cb6a91fa2b02f8d5d6c1f3c2e9a8b7c6d5e4f3a2b1c0d9e8f"));
    let mut info = b"companion/share-key/v1".to_vec();
    info.extend_from_slice(share.as_bytes());
    let (enc, ctx) = hpke::setup_sender(hpke::AES_256_GCM, &recipient.public().0, &info, &eph).unwrap();
    let mut wrapped = vec![1u8];
    wrapped.extend_from_slice(&enc);
    wrapped.extend_from_slice(&ctx.seal(0, b"", share_key.expose()).unwrap());
    assert_eq!(keys::unwrap_share_key(&recipient, &share, &wrapped).unwrap().expose(), share_key.expose());

    let salt = arr::<16>("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf");
    let ck =
        login::derive_clinician_keys(b"correct horse battery staple", &salt, login::CLINICIAN_KDF_ITERATIONS).unwrap();
    let wrapped_secret =
        login::wrap_with_nonce(ck.wrap_key(), "dr.example@clinic.invalid", &recipient, arr("e0e1e2e3e4e5e6e7e8e9eaeb"))
            .unwrap();
    let login = opaque_login(&recipient);

    let dk = device::DeviceKey::from_seed(&arr("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
    let body = br#"{"share":"ABEiM0RVZneImaq7zN3u_w"}"#;
    let signed =
        dk.sign_with_nonce("POST", "/v1/shares", 1_781_553_600_000, arr("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"), body);
    let canonical = device::canonical_request("POST", "/v1/shares", 1_781_553_600_000, &signed.nonce, body);

    let invite = Invite {
        server: "https://sync.clinic.invalid".into(),
        token: "tok_0123456789abcdefABCDEF".into(),
        clinician: "Dr Sam Example".into(),
        fingerprint: keys::fingerprint(&recipient.public()),
    };

    json!({
        "about": "Fixed inputs and exact outputs of every companion sync-protocol format, version 1 (docs/protocol.md). Hex unless noted.",
        "chunk_change": {
            "share_id": hex(share.as_bytes()), "share_key": hex(share_key.expose()), "chunk_id": hex(chunk_id.as_bytes()),
            "nonce": hex(&nonce), "covers": 0, "plaintext_utf8": "automerge change bytes", "sealed": hex(&change),
        },
        "chunk_snapshot": {
            "share_id": hex(share.as_bytes()), "share_key": hex(share_key.expose()), "chunk_id": hex(snap_id.as_bytes()),
            "nonce": hex(&nonce), "covers": 42, "plaintext_utf8": "compacted document", "sealed": hex(&snapshot),
        },
        "share_key_wrap": {
            "share_id": hex(share.as_bytes()), "share_key": hex(share_key.expose()),
            "recipient_secret": hex(recipient.to_bytes().as_ref()), "recipient_public": hex(&recipient.public().0),
            "ephemeral_secret": hex(&eph.to_bytes()), "info": hex(&info), "wrapped": hex(&wrapped),
            "fingerprint": keys::fingerprint(&recipient.public()),
        },
        "clinician_login_v1_for_upgrades": {
            "passphrase_utf8": "correct horse battery staple", "salt": hex(&salt), "iterations": login::CLINICIAN_KDF_ITERATIONS,
            "auth_secret": hex(&ck.auth_secret()), "account": "dr.example@clinic.invalid",
            "recipient_secret": hex(recipient.to_bytes().as_ref()), "nonce": "e0e1e2e3e4e5e6e7e8e9eaeb",
            "wrapped_secret": hex(&wrapped_secret),
        },
        "clinician_login_opaque": login,
        "device_request": {
            "ed25519_seed": "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "public_key": hex(&dk.public_key()), "device_id_base64url": dk.id(), "method": "POST", "path": "/v1/shares",
            "timestamp_ms": 1_781_553_600_000i64, "nonce": hex(&signed.nonce), "body_utf8": String::from_utf8_lossy(body),
            "canonical_utf8": String::from_utf8_lossy(&canonical), "signature": hex(&signed.signature),
        },
        "invite": { "fields": serde_json::to_value(&invite).unwrap(), "text": invite.encode().unwrap() },
    })
}

#[derive(Serialize)]
struct Pretty<'a>(&'a Value);

#[test]
fn protocol_formats_match_the_published_vectors() {
    let computed = compute();
    let path = vectors_dir().join("protocol-v1.json");
    if std::env::var("COMPANION_WRITE_VECTORS").as_deref() == Ok("1") {
        std::fs::write(&path, serde_json::to_string_pretty(&Pretty(&computed)).unwrap() + "\n").unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        stored, computed,
        "the protocol's output changed; if intended, regenerate the vectors and bump the version"
    );
    // And the published bytes open with the published keys.
    let v = &stored["chunk_snapshot"];
    let share = ShareId(arr(v["share_id"].as_str().unwrap()));
    let key = ShareKey::from_bytes(arr(v["share_key"].as_str().unwrap()));
    let (h, pt) = envelope::open_chunk(&key, &share, &unhex(v["sealed"].as_str().unwrap())).unwrap();
    assert_eq!(h.covers_seq, 42);
    assert_eq!(&pt[..], b"compacted document");
}
