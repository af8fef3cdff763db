//! `uniffi-bindgen`, pinned to the workspace's UniFFI version, so generated bindings always
//! match the scaffolding compiled into `companion-ffi`. Use it in library mode:
//! `cargo run -p companion-uniffi-bindgen -- generate --library <libcompanion_ffi.so> ...`
//! (`bindings/scripts/build-bindings.sh` does this for every language).
//!
//! A separate crate from `companion-ffi` so that building the generator never rebuilds or
//! relinks the library, and the library never carries the generator's dependencies.

fn main() {
    uniffi::uniffi_bindgen_main()
}
