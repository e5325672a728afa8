// swift-tools-version:6.1
// The engine's fuzzing target, a package of its own so that its sanitizer flags never reach the
// engine's own build. `scripts/fuzz.sh` builds it with `-sanitize=fuzzer` (libFuzzer) and runs it.
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which differs between clones: read it here.
let engineRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let engine = engineRoot.lastPathComponent.lowercased()

let package = Package(
    name: "EngineFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "EngineFuzz",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "Engine", package: engine),
                .product(name: "Replay", package: engine),
                .product(name: "Backtest", package: engine),
                .product(name: "Fixtures", package: engine),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
