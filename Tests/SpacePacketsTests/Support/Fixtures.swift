import Foundation
import SpacePackets
import Testing

/// Where the test inputs are, and how to run the project's tools and the Python peers.
enum Fixtures {
    /// The repository root (two levels above this file's folder).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/reference/imap beside the checkout, when present.
    static let imap: URL? = {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/reference/imap")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// ccsdspy's test data, fetched once by tools/fetch-reference-data.
    static func ccsdspyData() throws -> URL {
        let target = root.appendingPathComponent("reference-data/ccsdspy")
        if !FileManager.default.fileExists(atPath: target.appendingPathComponent(".complete").path) {
            let result = try run(root.appendingPathComponent("tools/fetch-reference-data").path, [])
            guard result.status == 0 else { throw FixtureError.tool("fetch-reference-data failed: \(result.stderr)") }
        }
        return target
    }

    /// The python of the peers' virtualenv (created once by tools/peers-venv).
    static func peersPython() throws -> String {
        let result = try run(root.appendingPathComponent("tools/peers-venv").path, [])
        guard result.status == 0 else { throw FixtureError.tool("peers-venv failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? ""
    }

    struct ProcessResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a chatty child never blocks on a full pipe.
        let errData = LockedData()
        let errReader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData.value, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Every Level-0 file in ../shared/reference/imap.
    static func imapLevel0Files() -> [URL] {
        guard let imap else { return [] }
        let extensions = ["pkts", "bin", "ccsds"]
        let enumerator = FileManager.default.enumerator(at: imap, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if extensions.contains(url.pathExtension.lowercased()) { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }
}

enum FixtureError: Error { case tool(String) }

/// Data handed from a reader thread, guarded by a lock.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ d: Data) { lock.lock(); data = d; done = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// Scans bytes held in an array.
func scan(_ bytes: [UInt8], file: String = "test.bin", rules: ScanRules = ScanRules()) -> PacketIndex {
    bytes.withUnsafeBytes { PacketScanner.scan($0, file: file, rules: rules) }
}

/// Every byte of the input is a packet, an idle packet, skipped or truncated, and packets never
/// overlap: the scan loses nothing and invents nothing.
func checkAccounting(_ index: PacketIndex, sourceLocation: SourceLocation = #_sourceLocation) {
    var spans: [(Int, Int)] = []
    for packets in index.apids {
        for i in 0..<packets.count { spans.append((packets.offsets[i], Int(packets.lengths[i]))) }
    }
    spans.sort { $0.0 < $1.0 }
    var end = 0
    for (offset, length) in spans {
        #expect(offset >= end, "packets overlap at \(offset)", sourceLocation: sourceLocation)
        end = offset + length
    }
    #expect(end <= index.fileSize, sourceLocation: sourceLocation)
    let accounted = index.packetBytes + index.idleBytes + index.skippedBytes + index.truncatedBytes
    #expect(accounted == index.fileSize, "accounted \(accounted) of \(index.fileSize) bytes", sourceLocation: sourceLocation)
}

/// A packet with the given fields and payload.
func packet(apid: UInt16, sequence: UInt16, flags: SequenceFlags = .unsegmented, payload: [UInt8], secondary: Bool = false, version: UInt8 = 0) -> [UInt8] {
    PrimaryHeader(version: version, hasSecondaryHeader: secondary, apid: apid, sequenceFlags: flags, sequenceCount: sequence,
                  dataLength: UInt16(payload.count - 1)).bytes + payload
}
