import CDF
import Dataset
import Decom
import Foundation
import PacketDefinitions
import SpacePackets
import Testing

/// `downlink decode --format cdf|fits|hdf5`: one product file per container, re-read by our CDF
/// reader (every column byte-identical to an in-process decode), h5dump and fitsverify.
@Suite struct DecodeProductTests {
    static let swapi: URL? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/reference/imap/swapi")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    func bytes(_ column: Column) -> [UInt8] { column.withUnsafeBytes { Array($0) } }

    @Test func productsHoldTheDecodedValues() async throws {
        guard let swapi = Self.swapi else {
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "../shared is missing on CI")
            return
        }
        let l0 = swapi.appendingPathComponent("imap_swapi_l0_raw_20240924_v001.pkts").path
        let xtce = swapi.appendingPathComponent("swapi_packet_definition.xml").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-products-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let cli = CommandLineTests()
        for format in ["cdf", "fits", "hdf5"] {
            let result = try cli.downlink("decode", l0, "--definitions", xtce, "--format", format, "-o", out.appendingPathComponent(format).path)
            #expect(result.status == 0, "\(format): \(result.stderr)")
        }

        // The same decode in process: the reference every product must hold.
        let decoder = try Decoder(definitions: try XTCELoader.load(contentsOf: xtce))
        let decoded = try await decoder.decode(try await PacketScanner.scan(paths: [l0]), apids: nil)
        let science = try #require(decoded.container(named: "P_SWP_SCI"))
        #expect(science.records == 153)

        for container in decoded.containers where container.records > 0 {
            let reader = try CDFReader(path: out.appendingPathComponent("cdf/\(container.name).cdf").path)
            for variable in container.dataset.variables {
                let column = try reader.column(variable.name)
                #expect(column.records == variable.column.records, "\(container.name).\(variable.name)")
                #expect(bytes(column) == bytes(variable.column), "\(container.name).\(variable.name): values differ")
            }
        }

        let fits = try cli.run("/usr/bin/fitsverify", ["-q", out.appendingPathComponent("fits/P_SWP_SCI.fits").path])
        #expect(fits.stdout.contains("verification OK"), "\(fits.stdout)")

        let h5 = try cli.run("/usr/bin/h5dump", ["-d", "/product/SHCOARSE", "-y", "-w", "0", out.appendingPathComponent("hdf5/P_SWP_SCI.h5").path])
        // The dataset's own DATA block (attributes such as DIMENSION_LIST follow with blocks of theirs).
        let block = h5.stdout.components(separatedBy: "DATA {").dropFirst().first?.components(separatedBy: "}").first ?? ""
        let dumped = block.split(whereSeparator: { !$0.isNumber }).compactMap { UInt32($0) }
        #expect(dumped.count == 153)
        #expect(dumped == (try science.dataset["SHCOARSE"]!.column.values(as: UInt32.self)))
    }
}

extension CommandLineTests {
    func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }
}
