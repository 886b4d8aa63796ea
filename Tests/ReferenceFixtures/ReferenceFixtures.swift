// Test support shared by the test targets that read reference data or run the project's tools:
// where ../shared/reference/imap and CCSDSPy's data are, the peers' virtualenv, and running a
// process with both pipes drained.
import Foundation

/// Where the test inputs are, and how to run the project's tools and the Python peers.
public enum Fixtures {
    /// The repository root (two levels above this file's folder).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/reference/imap beside the checkout, when present.
    public static let imap: URL? = {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/reference/imap")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// ccsdspy's test data, fetched once by tools/fetch-reference-data.
    public static func ccsdspyData() throws -> URL {
        let target = root.appendingPathComponent("reference-data/ccsdspy")
        if !FileManager.default.fileExists(atPath: target.appendingPathComponent(".complete").path) {
            let result = try run(root.appendingPathComponent("tools/fetch-reference-data").path, [])
            guard result.status == 0 else { throw FixtureError.tool("fetch-reference-data failed: \(result.stderr)") }
        }
        return target
    }

    /// The python of the peers' virtualenv (created once by tools/peers-venv).
    public static func peersPython() throws -> String {
        let result = try run(root.appendingPathComponent("tools/peers-venv").path, [])
        guard result.status == 0 else { throw FixtureError.tool("peers-venv failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? ""
    }

    public struct ProcessResult {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
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

    /// Every Level-0 file in ../shared/reference/imap.
    public static func imapLevel0Files() -> [URL] {
        guard let imap else { return [] }
        let extensions = ["pkts", "bin", "ccsds"]
        let enumerator = FileManager.default.enumerator(at: imap, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = enumerator?.nextObject() as? URL {
            if extensions.contains(url.pathExtension.lowercased()) { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

public enum FixtureError: Error { case tool(String) }

/// Data handed from a reader thread, guarded by a lock.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false
    func set(_ d: Data) { lock.lock(); data = d; done = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return done }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}
