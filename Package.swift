// swift-tools-version:6.0
import PackageDescription

// Dependencies are chosen, not accumulated (design §1): libpq, libcurl (opened on first use),
// libsecp256k1 and libcrypto through system-library shims; argument parsing, logging, uint256
// arithmetic; Hummingbird only for the paper exchange, never for the `lt` executable; Yams for the
// tests of the deployment examples.
// `--metrics-file` is rendered by LTCore's MetricsExposition, not swift-prometheus (used before):
// its registry copies a family's label sets for every gauge added, O(n²) in the strategies, 0.65 s
// of CPU per cron tick at 1,000 strategies (docs/benchmarks.md "Idle tick").
let package = Package(
    name: "lt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lt", targets: ["lt"]),
        .executable(name: "lt-paper-exchange", targets: ["lt-paper-exchange"]),
        .executable(name: "lt-bench", targets: ["lt-bench"]),
        .library(name: "LTCore", targets: ["LTCore"]),
        .library(name: "LTPaperExchange", targets: ["LTPaperExchange"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Tests only: parses the Kubernetes examples (examples/k8s) the way kubectl would.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, each wrapped once.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // libcurl's headers only: the library is opened with dlopen by the first HTTP request
        // (Sources/CCurl/shim.h), so a run that makes none does not load its dependency closure.
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Domain types, pure policies, jobs and the ports they talk through.
        .target(
            name: "LTCore",
            dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "LTPostgres", dependencies: ["LTCore", "CLibPQ"]),
        .target(name: "LTHTTP", dependencies: ["LTCore", "CCurl"]),
        .target(
            name: "LTChain",
            dependencies: ["CSecp256k1", "COpenSSL", .product(name: "BigInt", package: "BigInt")]),
        .target(
            name: "LTPolymarket",
            dependencies: ["LTCore", "LTChain", "LTHTTP", .product(name: "BigInt", package: "BigInt")]),
        .target(
            name: "LTPaperExchange",
            dependencies: [
                "LTCore", "LTChain", "LTPolymarket",
                .product(name: "BigInt", package: "BigInt"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),

        .executableTarget(
            name: "lt",
            dependencies: [
                "LTCore", "LTPostgres", "LTHTTP", "LTChain", "LTPolymarket",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "lt-paper-exchange",
            dependencies: [
                "LTPaperExchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "lt-bench",
            dependencies: [
                "LTCore", "LTPostgres", "LTHTTP", "LTChain", "LTPolymarket", "LTPaperExchange",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "LTCoreTests", dependencies: ["LTCore"]),
        .testTarget(name: "LTPostgresTests", dependencies: ["LTCore", "LTPostgres"]),
        .testTarget(
            name: "LTHTTPTests",
            dependencies: ["LTCore", "LTHTTP", .product(name: "Hummingbird", package: "hummingbird")]),
        .testTarget(name: "LTChainTests", dependencies: ["LTChain"]),
        .testTarget(name: "LTPolymarketTests", dependencies: ["LTChain", "LTPolymarket"]),
        .testTarget(
            name: "LTPaperExchangeTests",
            dependencies: [
                "LTPaperExchange", "LTPolymarket", "LTChain", "LTHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]),
        .testTarget(
            name: "LTJobsTests",
            dependencies: [
                "LTCore", "LTPostgres", "LTHTTP", "LTChain", "LTPolymarket", "LTPaperExchange",
                .product(name: "Yams", package: "Yams"),
            ]),
    ]
)
