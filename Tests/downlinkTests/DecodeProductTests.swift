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

/// The synthetic streams decoded with their own definitions (testdata/synth): times equal the
/// generator's clock and calibrations apply the definitions' polynomials.
@Suite struct SyntheticDecodeTests {
    @Test func timesAndCalibrationsOfTheDemoStreams() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var plan = SynthesisPlan.mixed(seed: 8, targetBytes: 300_000)
        plan.startSeconds = 700_000_000
        plan.cadence = 0.0625
        let (bytes, truth) = try PacketSynthesizer.bytes(plan)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let definitions = try XTCELoader.load(contentsOf: root.appendingPathComponent("testdata/synth/synthetic_packets.xml").path)
        let decoder = try Decoder(definitions: definitions, options: DecodeOptions(calibrated: true, labels: true))
        let result = try await decoder.decode(try await PacketScanner.scan(paths: [path]), apids: nil)
        #expect(result.undecodedPackets == 0 && result.findings.isEmpty)
        #expect(result.decodedPackets == truth.apids.reduce(0) { $0 + $1.packets })

        // Every packet's time is start + k * cadence, and all k together are 0..<packets.
        var ticks: [Int] = []
        for container in result.containers {
            let coarse = try container.dataset["SHCOARSE"]!.column.values(as: UInt32.self)
            let fine = try container.dataset["SHFINE"]!.column.values(as: UInt16.self)
            for (c, f) in zip(coarse, fine) {
                #expect(f % 4096 == 0)
                ticks.append((Int(c) - 700_000_000) * 16 + Int(f) / 4096)
            }
        }
        #expect(ticks.sorted() == Array(0..<ticks.count))

        let hk = try #require(result.container(named: "SYNTH_HK"))
        let raw = try hk.dataset["TEMP_SENSOR"]!.column.values(as: UInt16.self)
        let engineering = try hk.dataset["TEMP_SENSOR.eng"]!.column.values(as: Double.self)
        #expect(raw.count == truth.apids.first { $0.apid == 1251 }!.packets)
        for (r, e) in zip(raw, engineering) { #expect(abs(e - (-60.0 + 0.05 * Double(r))) < 1e-9) }
        let voltage = try hk.dataset["BUS_VOLTAGE.eng"]!.column.values(as: Double.self)
        #expect(voltage.allSatisfy { $0 >= 0 && $0 <= 65535 * 0.0005 })
    }
}
