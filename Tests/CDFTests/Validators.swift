import Foundation
import Testing

/// Finds or creates the validator venv (tools/cdf-validators-venv.sh) once per test process and runs
/// tools/cdf_validate.py on a manifest. Skips only off CI when the venv cannot be created; with
/// CI=true a missing tool is a test failure.
enum Validators {
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// The venv's python, or nil when it could not be created.
    static let python: String? = {
        let r = run("/bin/bash", [repoRoot + "/tools/cdf-validators-venv.sh"])
        guard r.status == 0, let last = r.stdout.split(separator: "\n").last else {
            FileHandle.standardError.write(Data("cdf-validators-venv failed: \(r.stderr.suffix(2000))\n".utf8))
            return nil
        }
        return String(last)
    }()

    /// Whether validation tests run: always on CI (where a missing venv then fails), elsewhere only
    /// when the venv exists or can be created.
    static var enabled: Bool { isCI || python != nil }

    /// Runs the independent readers on `manifest`; records a test issue with their output on failure.
    static func validate(_ manifest: Manifest, name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let py = try #require(python, "validator venv missing (tools/cdf-validators-venv.sh failed)", sourceLocation: sourceLocation)
        let path = manifest.directory + "/\(name).json"
        try manifest.json().write(to: URL(fileURLWithPath: path))
        let r = run(py, [repoRoot + "/tools/cdf_validate.py", path])
        #expect(r.status == 0, "independent readers disagree:\n\(r.stdout.suffix(6000))\n\(r.stderr.suffix(3000))", sourceLocation: sourceLocation)
        #expect(r.stdout.contains(" 0 failed"), sourceLocation: sourceLocation)
    }

    static func run(_ exe: String, _ args: [String]) -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return (-1, "", "\(error)") }
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let errData = LockedData()
        let t = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        t.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errData.done { usleep(1000) }
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: errData.value, as: UTF8.self))
    }
}

/// A tiny lock-protected Data box for the stderr reader thread. Invariant: every access holds `lock`.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    func set(_ d: Data) { lock.lock(); data = d; finished = true; lock.unlock() }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// A fresh temporary folder per test.
func makeTemporaryDirectory(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-cdf-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
