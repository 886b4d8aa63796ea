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

/// The forwarding functions of the libraries opened on first use (CFITSIO, CHDF5, CLibPQ) stay
/// inside the binary: exported, they could interpose on the libraries' own symbols.
let loaderSettings: [CSetting] = [
    .unsafeFlags(["-fvisibility=hidden"]),
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
        .library(name: "Decom", targets: ["Decom"]),
        .library(name: "FITS", targets: ["FITS"]),
        .library(name: "HDF5", targets: ["HDF5"]),
        .library(name: "Products", targets: ["Products"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        // The PostgreSQL catalog in its own product: only what links it needs libpq.
        .library(name: "CatalogPostgreSQL", targets: ["CatalogPostgreSQL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // A CPU prefetch hint (Swift has no intrinsic): the header walk is memory-latency bound.
        .target(name: "CPrefetch"),
        // O_DIRECT, which Glibc's Swift module leaves out: large outputs bypass the page cache.
        .target(name: "CDirectIO"),
        .target(name: "SpacePackets", dependencies: ["CPrefetch", "CDirectIO", "CPageMapping"], swiftSettings: hotPathSettings),
        .target(name: "PacketDefinitions"),
        // mremap(2), which glibc declares variadic and Swift cannot call: Dataset's column memory (and the
        // scan's store of sequence breaks) moves already-faulted pages to a grown mapping instead of
        // faulting fresh ones.
        .target(name: "CPageMapping"),
        .target(name: "Dataset", dependencies: ["CPageMapping"]),
        .target(name: "Decom", dependencies: ["SpacePackets", "PacketDefinitions", "Dataset", "CPrefetch"], swiftSettings: hotPathSettings),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Intel ISA-L igzip: the fastest gzip for CDF level 1 (Debian 12 ships libisal-dev; pkg-config libisal).
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .target(name: "CDF", dependencies: ["Dataset", "CZlib", "CIsal", "CDirectIO"], swiftSettings: hotPathSettings),
        // Atomic destinations (temporary file + fsync + rename) and parallel block helpers shared by the
        // FITS and HDF5 writers.
        .target(name: "ProductOutput", dependencies: ["CDirectIO"]),
        // cfitsio, libhdf5 and libpq are opened with dlopen when a command first needs them (each pulls
        // in 24-36 shared libraries: loading them cost every process ~8 ms of CPU, `inspect` included).
        // These targets hold the headers and the forwarding functions; CLibraryLoading the dlopen part.
        .target(name: "CLibraryLoading"),
        .target(name: "CFITSIO", dependencies: ["CLibraryLoading"], cSettings: loaderSettings),
        // A cfitsio I/O driver whose table rows go to the device with direct I/O (CDirectIO's stream).
        .target(name: "CFITSIODirectDriver", dependencies: ["CFITSIO", "CDirectIO"]),
        .target(name: "FITS", dependencies: ["Dataset", "CFITSIO", "CFITSIODirectDriver", "ProductOutput"]),
        // libhdf5 1.10 and hdf5_hl (dimension scales), opened on first use.
        .target(name: "CHDF5", dependencies: ["CLibraryLoading"], cSettings: loaderSettings),
        // Zstandard 1.5.7 from source (Sources/CZstd/README.md: faster than Debian 12's 1.5.4 at the
        // levels products use); -O3 even in debug builds, symbols hidden.
        .target(
            name: "CZstd",
            exclude: ["LICENSE", "README.md"],
            cSettings: [.define("ZSTDLIB_VISIBLE", to: ""), .define("ZSTDERRORLIB_VISIBLE", to: ""),
                        .unsafeFlags(["-O3", "-fvisibility=hidden", "-w"])]
        ),
        // A libhdf5 file driver that sends page-aligned raw data (compressed chunks) to the device with
        // direct I/O instead of copying it into the page cache.
        .target(name: "CHDF5DirectDriver", dependencies: ["CHDF5", "CDirectIO"]),
        .target(name: "HDF5", dependencies: ["Dataset", "CHDF5", "CHDF5DirectDriver", "CZstd", "CZlib", "ProductOutput"]),
        // Missions as configuration: YAML mission files, product recipes L1A-L3, the algorithm library,
        // time conversion (linear MET, SPICE LSK/SCLK text kernels), file naming, product writing.
        .target(
            name: "Products",
            dependencies: [
                "SpacePackets", "PacketDefinitions", "Decom", "Dataset", "CDF", "FITS", "HDF5", "CDirectIO",
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Algorithms/README.md"]
        ),
        // Mission-specific product steps in Swift (ProductAlgorithm conformers) for IMAP: MAG L1A vector
        // unpacking, SWAPI L1/L2. Kept out of Products so that the core stays mission-agnostic.
        // The science data center pipeline: catalog (SQLite; PostgreSQL in CatalogPostgreSQL), dependency
        // planning, versions, reprocessing, inbox watching. Calls products only through ProductMaker.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Pipeline", dependencies: ["Products", "Dataset", "CSQLite"]),
        .target(name: "CLibPQ", dependencies: ["CLibraryLoading"], cSettings: loaderSettings),
        .target(name: "CatalogPostgreSQL", dependencies: ["Pipeline", "CLibPQ"]),
        .target(name: "MissionIMAP", dependencies: ["Products", "Dataset"]),
        // The embedded demo mission's L0 generator: realistic daily files for its instruments (values
        // with physics-like shapes, bit-packed vectors, compressed counts) and their ground truth.
        .target(name: "DemoMission", dependencies: ["SpacePackets"]),
        // Benchmark driver for tools/writer_benchmark.py (FITS and HDF5 writers; no tests).
        // The product the CDF, FITS and HDF5 benchmarks write (10 M records of the issues' layout).
        .target(name: "BenchmarkProduct", dependencies: ["Dataset"]),
        .executableTarget(name: "writer-bench", dependencies: ["FITS", "HDF5", "Dataset", "BenchmarkProduct"]),
        // Benchmark driver for tools/cdf_benchmark.py (not part of the `downlink` command, no tests).
        .executableTarget(name: "cdf-bench", dependencies: ["CDF", "Dataset", "BenchmarkProduct"]),
        .executableTarget(
            name: "downlink",
            dependencies: [
                "SpacePackets", "PacketDefinitions", "Dataset", "CDF", "FITS", "HDF5", "Decom",
                "Products", "MissionIMAP", "DemoMission", "Pipeline", "CatalogPostgreSQL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Where the reference data is, the peers' virtualenv, running tools: shared by the test targets.
        .target(name: "ReferenceFixtures", path: "Tests/ReferenceFixtures"),
        .testTarget(name: "SpacePacketsTests", dependencies: ["SpacePackets", "ReferenceFixtures"]),
        .testTarget(name: "PacketDefinitionsTests", dependencies: ["PacketDefinitions"]),
        // Runs the built `downlink` binary: exit codes, messages and outputs as users see them.
        .testTarget(name: "downlinkTests", dependencies: ["downlink", "SpacePackets", "PacketDefinitions", "Decom", "CDF", "Dataset"]),
        .testTarget(name: "DatasetTests", dependencies: ["Dataset"]),
        .testTarget(name: "DecomTests", dependencies: ["Decom", "ReferenceFixtures"]),
        .testTarget(name: "CDFTests", dependencies: ["CDF", "Dataset"]),
        // Shared by FITSTests and HDF5Tests: sample datasets of every type, the expected-values manifest
        // and the validator venv runner (tools/writer-validators-venv, tools/writer_validate.py).
        .target(name: "WriterTestSupport", dependencies: ["Dataset"], path: "Tests/WriterTestSupport"),
        .testTarget(name: "ProductOutputTests", dependencies: ["ProductOutput", "CDirectIO"]),
        // Both run the built writer-bench for failures that need their own process (a file-size limit).
        .testTarget(name: "ProductsTests", dependencies: ["Products", "Dataset", "CDF", "ReferenceFixtures"]),
        .testTarget(name: "MissionIMAPTests", dependencies: ["MissionIMAP", "Products", "Dataset", "CDF", "ReferenceFixtures"]),
        // A fake ProductMaker (small real files, failures, sleeps, call counts) for the pipeline's tests,
        // and a process around it that the kill/resume test kills and the planning benchmark runs.
        .target(name: "PipelineTestSupport", dependencies: ["Pipeline", "Products"], path: "Tests/PipelineTestSupport"),
        .executableTarget(name: "pipeline-fake-runner", dependencies: ["Pipeline", "CatalogPostgreSQL", "Products", "PipelineTestSupport"], path: "Tests/PipelineFakeRunner"),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "CatalogPostgreSQL", "Products", "PipelineTestSupport", "pipeline-fake-runner",
                                                  "DemoMission", "CDF", "ReferenceFixtures"]),
        .testTarget(name: "DemoMissionTests", dependencies: ["DemoMission", "SpacePackets", "Decom", "PacketDefinitions", "Dataset", "ReferenceFixtures"]),
        .testTarget(name: "FITSTests", dependencies: ["FITS", "Dataset", "WriterTestSupport", "writer-bench"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "CHDF5DirectDriver", "CDirectIO", "BenchmarkProduct", "Dataset", "WriterTestSupport", "writer-bench"]),
    ],
    swiftLanguageModes: [.v6]
)
