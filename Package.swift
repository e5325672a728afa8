// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "AnomalyEngine",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "engine", targets: ["EngineCLI"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Replay", targets: ["Replay"]),
        .library(name: "Fixtures", targets: ["Fixtures"]),
        .library(name: "Backtest", targets: ["Backtest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/stencilproject/Stencil.git", from: "0.15.1"),
        .package(url: "https://github.com/apple/swift-algorithms.git", from: "1.2.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "CCurlMail", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CFixedFormat"),
        .target(
            name: "Engine",
            dependencies: [
                "CZlib", "CCurlMail", "CFixedFormat", "CLibPQ", "CLibCrypto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Stencil", package: "Stencil"),
                .product(name: "Algorithms", package: "swift-algorithms"),
            ]
        ),
        .target(name: "Fixtures", dependencies: ["Engine"]),
        .target(name: "Replay", dependencies: ["Engine", "Fixtures"]),
        .target(
            name: "Backtest",
            dependencies: [
                "Engine", "Fixtures", "Replay", .product(name: "Logging", package: "swift-log"),
                .product(name: "Algorithms", package: "swift-algorithms"),
            ]),
        .target(
            name: "Server",
            dependencies: [
                "Engine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Stencil", package: "Stencil"),
                .product(name: "Algorithms", package: "swift-algorithms"),
            ]
        ),
        .executableTarget(
            name: "EngineCLI",
            dependencies: [
                "Engine", "Replay", "Fixtures", "Backtest", "Server",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EngineTests", dependencies: ["Engine", "Fixtures", "CZlib", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Resources")]),
        .testTarget(name: "FixturesTests", dependencies: ["Fixtures"]),
        .testTarget(name: "ReplayTests", dependencies: ["Replay", "Fixtures"]),
        .testTarget(name: "BacktestTests", dependencies: ["Backtest", "Engine", "Fixtures"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Engine", "Fixtures",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)

// The anchors' habits: every existential spelled `any`, and a module's members visible only where it is imported.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility")]
}
