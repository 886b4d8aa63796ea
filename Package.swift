// swift-tools-version: 6.1
// Downlink: Level-0 CCSDS telemetry to science data products.
// Module map: ../shared/ARCHITECTURE.md. Benchmarks live in their own package (Benchmarks/) so that
// the default build and `swift test` do not compile the benchmark harness and its dependencies.
import PackageDescription

/// Hot-path modules: bounds are checked explicitly against the mapping before every read, so the
/// exclusivity checker's per-access cost buys nothing there.
let hotPathSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"]),
]

let package = Package(
    name: "Downlink",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "downlink", targets: ["downlink"]),
        .library(name: "SpacePackets", targets: ["SpacePackets"]),
        .library(name: "PacketDefinitions", targets: ["PacketDefinitions"]),
        .library(name: "Dataset", targets: ["Dataset"]),
        .library(name: "CDF", targets: ["CDF"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "SpacePackets", swiftSettings: hotPathSettings),
        .target(name: "PacketDefinitions"),
        .target(name: "Dataset"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Intel ISA-L (igzip): the CDF writer's fastest gzip encoder. Debian 12 ships it (libisal-dev).
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .target(name: "CDF", dependencies: ["Dataset", "CZlib", "CIsal"], swiftSettings: hotPathSettings),
        // Benchmark driver for tools/cdf_benchmark.py (not part of the `downlink` command, no tests).
        .executableTarget(name: "cdf-bench", dependencies: ["CDF", "Dataset"]),
        .executableTarget(
            name: "downlink",
            dependencies: [
                "SpacePackets", "PacketDefinitions", "Dataset", "CDF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SpacePacketsTests", dependencies: ["SpacePackets"]),
        .testTarget(name: "PacketDefinitionsTests", dependencies: ["PacketDefinitions"]),
        // Runs the built `downlink` binary: exit codes, messages and outputs as users see them.
        .testTarget(name: "downlinkTests", dependencies: ["downlink", "SpacePackets"]),
        .testTarget(name: "DatasetTests", dependencies: ["Dataset"]),
        .testTarget(name: "CDFTests", dependencies: ["CDF", "Dataset"]),
    ],
    swiftLanguageModes: [.v6]
)
