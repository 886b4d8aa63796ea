// swift-tools-version: 6.1
// Downlink's benchmarks (ordo-one/benchmark), in a package of their own so that the main package's
// build and tests never compile the harness. Run: cd Benchmarks && swift package benchmark
import PackageDescription

let package = Package(
    name: "DownlinkBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Downlink", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "PacketScan",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SpacePackets", package: "Downlink"),
            ],
            path: "Benchmarks/PacketScan",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Decode",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Decom", package: "Downlink"),
                .product(name: "PacketDefinitions", package: "Downlink"),
                .product(name: "SpacePackets", package: "Downlink"),
            ],
            path: "Benchmarks/Decode",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
