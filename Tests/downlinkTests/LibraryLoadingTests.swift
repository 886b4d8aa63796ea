import Foundation
import Testing

/// cfitsio, libhdf5 and libpq are opened when a command first needs them (CLibraryLoading): a
/// command that writes no FITS or HDF5 and uses no PostgreSQL catalog never loads them, and one that
/// needs a library it cannot load fails with a message naming the library, writing nothing.
@Suite struct LibraryLoadingTests {
    let cli = CommandLineTests()
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let definitions = root.appendingPathComponent("testdata/synth/synthetic_packets.xml").path

    /// A generated Level-0 file that testdata/synth's definitions decode.
    func level0(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("day.bin").path
        let synth = try cli.downlink("synth", path, "--size", "200KiB", "--seed", "8")
        try #require(synth.status == 0, "\(synth.stderr)")
        return path
    }

    /// `downlink decode` of `l0` with testdata/synth's definitions into `out` as `format`.
    func decode(_ l0: String, format: String, to out: URL, environment: [String: String]) throws -> CommandLineTests.Result {
        try cli.downlink(environment: environment, ["decode", l0, "--definitions", Self.definitions, "--format", format, "-o", out.path])
    }

    /// The shared objects the dynamic loader opened for a run (glibc's LD_DEBUG=files trace).
    func loadedLibraries(_ arguments: [String]) throws -> (CommandLineTests.Result, [String]) {
        let result = try cli.downlink(environment: ["LD_DEBUG": "files"], arguments)
        let opened = result.stderr.split(separator: "\n").compactMap { line -> String? in
            guard let at = line.range(of: "file=") else { return nil }
            return String(line[at.upperBound...].prefix { $0 != " " && $0 != "\t" && $0 != ";" })
        }
        return (result, opened)
    }

    func files(under dir: URL) -> [String] {
        (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: dir.appendingPathComponent($0).path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
    }

    @Test func eachCommandLoadsOnlyTheLibrariesItUses() throws {
        let dir = try cli.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let l0 = try level0(in: dir)
        func uses(_ libraries: [String], _ library: String) -> Bool { libraries.contains { $0.contains(library) } }

        let (inspect, forInspect) = try loadedLibraries(["inspect", l0])
        #expect(inspect.status == 0, "\(inspect.stderr.suffix(2000))")
        #expect(!forInspect.isEmpty, "LD_DEBUG=files traced nothing: the check below would prove nothing")
        for library in ["libhdf5", "libcfitsio", "libpq", "libcurl", "libgnutls"] {
            #expect(!uses(forInspect, library), "inspect loaded \(library)")
        }

        let cases: [(format: String, loads: String, skips: [String])] = [
            ("cdf", "", ["libhdf5", "libcfitsio", "libpq"]),
            ("hdf5", "libhdf5", ["libcfitsio", "libpq"]),
            ("fits", "libcfitsio", ["libhdf5", "libpq"]),
        ]
        for c in cases {
            let out = dir.appendingPathComponent(c.format).path
            let (decode, opened) = try loadedLibraries(["decode", l0, "--definitions", Self.definitions, "--format", c.format, "-o", out])
            #expect(decode.status == 0, "\(c.format): \(decode.stderr.suffix(2000))")
            if !c.loads.isEmpty { #expect(uses(opened, c.loads), "\(c.format) did not load \(c.loads)") }
            for library in c.skips { #expect(!uses(opened, library), "\(c.format) loaded \(library)") }
        }
    }

    @Test(arguments: [("hdf5", "DOWNLINK_LIBHDF5", "libhdf5"), ("hdf5", "DOWNLINK_LIBHDF5_HL", "libhdf5_hl"),
                      ("fits", "DOWNLINK_LIBCFITSIO", "cfitsio")])
    func aMissingLibraryIsAClearErrorAndWritesNothing(format: String, variable: String, library: String) throws {
        let dir = try cli.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let l0 = try level0(in: dir)
        let out = dir.appendingPathComponent("out")
        let missing = dir.appendingPathComponent("no-such-library.so").path
        let result = try decode(l0, format: format, to: out, environment: [variable: missing])
        #expect(result.status != 0)
        #expect(result.status != 134 && result.status != 6, "aborted instead of reporting: \(result.stderr)")
        #expect(result.stderr.contains(library) && result.stderr.contains(missing) && result.stderr.contains(variable),
                "\(result.stderr)")
        #expect(files(under: out).isEmpty, "left \(files(under: out))")

        // CDF products need neither library.
        let cdf = try decode(l0, format: "cdf", to: out, environment: [variable: missing])
        #expect(cdf.status == 0, "\(cdf.stderr)")
        #expect(!files(under: out).isEmpty)
    }

    /// A library that loads but is not the one expected (here zlib) is refused by name, not called.
    @Test(arguments: [("hdf5", "DOWNLINK_LIBHDF5", "libhdf5 has no symbol H5"), ("fits", "DOWNLINK_LIBCFITSIO", "cfitsio has no symbol ff")])
    func aLibraryWithoutTheFunctionsIsRefused(format: String, variable: String, message: String) throws {
        let dir = try cli.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let l0 = try level0(in: dir)
        let out = dir.appendingPathComponent("out")
        let result = try decode(l0, format: format, to: out, environment: [variable: "libz.so.1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(files(under: out).isEmpty, "left \(files(under: out))")
    }

    @Test func aPostgreSQLCatalogWithoutLibpqIsAClearError() throws {
        let dir = try cli.temporary()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("no-libpq.so").path
        let result = try cli.downlink(environment: ["DOWNLINK_LIBPQ": missing],
                                      ["status", "--catalog", "postgresql://nobody@127.0.0.1:1/none"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("libpq") && result.stderr.contains(missing), "\(result.stderr)")
    }
}
