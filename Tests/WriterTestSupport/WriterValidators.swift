import Foundation

/// Finds or creates the writer validator venv (tools/writer-validators-venv) once per test process
/// and runs tools/writer_validate.py on a manifest. Off CI a venv that cannot be created disables the
/// validation tests; with CI=true it is a test failure (callers `#require` the python path).
public enum WriterValidators {
    public static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// The venv's python, or nil when it could not be created.
    public static let python: String? = {
        let r = run("/bin/bash", [repoRoot + "/tools/writer-validators-venv"])
        guard r.status == 0, let last = r.stdout.split(separator: "\n").last else {
            FileHandle.standardError.write(Data("writer-validators-venv failed: \(r.stderr.suffix(2000))\n".utf8))
            return nil
        }
        return String(last)
    }()

    /// Whether validation tests run: always on CI (where a missing venv then fails), elsewhere only
    /// when the venv exists or can be created.
    public static var enabled: Bool { isCI || python != nil }

    /// Runs the independent readers on `manifest`; returns their exit status and output.
    public static func validate(_ manifest: WriterManifest, name: String) throws -> (status: Int32, output: String) {
        guard let py = python else { return (-1, "validator venv missing (tools/writer-validators-venv failed)") }
        let path = manifest.directory + "/\(name).json"
        try manifest.json().write(to: URL(fileURLWithPath: path))
        let r = run(py, [repoRoot + "/tools/writer_validate.py", path])
        return (r.status, r.stdout + "\n" + r.stderr)
    }

    public static func run(_ exe: String, _ args: [String]) -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { return (-1, "", "\(error)") }
        let errData = LockedBox()
        let t = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        t.start()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errData.done { usleep(1000) }
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: errData.value, as: UTF8.self))
    }
}

/// A lock-protected Data box for the stderr reader thread. Invariant: every access holds `lock`.
final class LockedBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    func set(_ d: Data) { lock.lock(); data = d; finished = true; lock.unlock() }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return finished }
    var value: Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// A fresh temporary folder per test.
public func makeTemporaryDirectory(_ name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}
