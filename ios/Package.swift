// swift-tools-version:5.9
// CompanionKit: the recovery companion's core for iOS and macOS, through UniFFI.
//
// Build the binary target first, on a Mac: `ios/scripts/build-xcframework.sh` (see README.md).
// It writes CompanionFFI.xcframework (the Rust library and its C headers) and the generated
// Swift bindings under Sources/Companion/Generated/; neither is committed, both are rebuilt from
// the Rust sources.
import PackageDescription

let package = Package(
    name: "CompanionKit",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Companion", targets: ["Companion"]),
    ],
    targets: [
        // Static libraries for iOS devices, the simulator and macOS, with the C module
        // `CompanionFFI` (companion_apiFFI.h, companion_coreFFI.h).
        .binaryTarget(name: "CompanionFFI", path: "CompanionFFI.xcframework"),
        // The generated Swift API (CompanionCore, KeyProvider, Urge, ...) and the app-side
        // pieces written by hand (the Keychain key provider).
        .target(
            name: "Companion",
            dependencies: ["CompanionFFI"],
            path: "Sources/Companion",
            linkerSettings: [.linkedFramework("Security")]
        ),
        .testTarget(name: "CompanionTests", dependencies: ["Companion"], path: "Tests/CompanionTests"),
    ]
)
