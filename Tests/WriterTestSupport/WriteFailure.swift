import Foundation

/// Runs the built `writer-bench` under a file-size limit (`ulimit -f`, SIGXFSZ ignored so that
/// `write(2)` fails with EFBIG), so that a write fails half-way through: the writer must report the
/// error and leave nothing behind.
public enum WriteFailure {
    /// The `writer-bench` executable beside the test bundle in the build products folder.
    public static let writerBench: String? = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            let candidate = url.deletingLastPathComponent().appendingPathComponent("writer-bench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            url = url.deletingLastPathComponent()
        }
        return nil
    }()

    /// Writes `records` benchmark records as `kind` to `path` with at most `limitKiB` KiB per file.
    public static func run(kind: String, records: Int, path: String, limitKiB: Int) -> (status: Int32, stdout: String, stderr: String)? {
        guard let exe = writerBench else { return nil }
        let script = "trap '' XFSZ; ulimit -f \(limitKiB); exec \"$0\" \"$1\" \"$2\" \"$3\""
        return WriterValidators.run("/bin/bash", ["-c", script, exe, String(records), kind, path])
    }
}
