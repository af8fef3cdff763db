#!/usr/bin/env bash
# Build CompanionFFI.xcframework (companion-ffi as static libraries for iOS devices, the iOS
# simulator and macOS, with the C headers of both UniFFI namespaces under one module map) and
# generate the Swift bindings into Sources/Companion/Generated/. macOS only (Xcode 15 or newer).
#
# Usage: ios/scripts/build-xcframework.sh [--debug]
# Needs: Xcode command-line tools (xcodebuild, lipo), rustup with the targets below (added if
# missing). Run from anywhere; writes only under ios/ and the Cargo target directory.
set -euo pipefail

if [ "$(uname -s)" != Darwin ]; then
    echo "build-xcframework: this needs macOS with Xcode (xcodebuild, lipo)." >&2
    exit 1
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ios="$(cd "$here/.." && pwd)"
root="$(cd "$ios/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
profile=release
cargo_profile=(--release)
if [ "${1:-}" = "--debug" ]; then
    profile=debug
    cargo_profile=()
fi

device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
macs=(aarch64-apple-darwin x86_64-apple-darwin)
# The lowest iOS the package supports (Package.swift: .iOS(.v15)).
export IPHONEOS_DEPLOYMENT_TARGET=15.0
export MACOSX_DEPLOYMENT_TARGET=12.0

rustup target add "$device" "${simulators[@]}" "${macs[@]}" >/dev/null

cd "$root"
for t in "$device" "${simulators[@]}" "${macs[@]}"; do
    echo "build-xcframework: cargo build --target $t"
    cargo build --quiet -p companion-ffi --lib "${cargo_profile[@]}" --target "$t"
done

work="$target_dir/companion-xcframework"
rm -rf "$work"
mkdir -p "$work/headers" "$work/swift" "$work/ios" "$work/sim" "$work/macos"

# The generator reads the exported API from the compiled library's metadata (library mode).
host_lib="$target_dir/aarch64-apple-darwin/$profile/libcompanion_ffi.dylib"
cargo run --quiet -p companion-uniffi-bindgen -- generate --no-format --metadata-no-deps \
    --config "$root/bindings/uniffi.toml" --language swift --out-dir "$work/swift" "$host_lib"
mv "$work"/swift/*.h "$work/headers/"
rm -f "$work"/swift/*.modulemap
# One C module for both namespaces: both Swift files `import CompanionFFI`
# (`ffi_module_name` in bindings/uniffi.toml).
cat > "$work/headers/module.modulemap" <<'MAP'
module CompanionFFI {
    header "companion_coreFFI.h"
    header "companion_apiFFI.h"
    export *
}
MAP

cp "$target_dir/$device/$profile/libcompanion_ffi.a" "$work/ios/libcompanion_ffi.a"
lipo -create -output "$work/sim/libcompanion_ffi.a" \
    "$target_dir/${simulators[0]}/$profile/libcompanion_ffi.a" "$target_dir/${simulators[1]}/$profile/libcompanion_ffi.a"
lipo -create -output "$work/macos/libcompanion_ffi.a" \
    "$target_dir/${macs[0]}/$profile/libcompanion_ffi.a" "$target_dir/${macs[1]}/$profile/libcompanion_ffi.a"

rm -rf "$ios/CompanionFFI.xcframework"
xcodebuild -create-xcframework \
    -library "$work/ios/libcompanion_ffi.a" -headers "$work/headers" \
    -library "$work/sim/libcompanion_ffi.a" -headers "$work/headers" \
    -library "$work/macos/libcompanion_ffi.a" -headers "$work/headers" \
    -output "$ios/CompanionFFI.xcframework"

rm -rf "$ios/Sources/Companion/Generated"
mkdir -p "$ios/Sources/Companion/Generated"
cp "$work"/swift/*.swift "$ios/Sources/Companion/Generated/"
echo "build-xcframework: wrote $ios/CompanionFFI.xcframework and Sources/Companion/Generated/"
echo "build-xcframework: test on this Mac with: cd ios && swift test"
