// The IMAP reference: NASA's imap-processing 1.0.40 in its own virtualenv (tools/imap-processing-venv),
// run through tools/imap_reference.py, and the SPICE kernels beside the reference data.
import Foundation

extension Fixtures {
    /// The python of the imap-processing virtualenv (created once by tools/imap-processing-venv).
    public static func imapProcessingPython() throws -> String {
        let result = try run(root.appendingPathComponent("tools/imap-processing-venv").path, [])
        guard result.status == 0 else { throw FixtureError.tool("imap-processing-venv failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init) ?? ""
    }

    /// Runs tools/imap_reference.py with `arguments`; its stdout, or an error with its stderr.
    public static func imapReference(_ arguments: [String]) throws -> String {
        let python = try imapProcessingPython()
        let result = try run(python, [root.appendingPathComponent("tools/imap_reference.py").path] + arguments)
        guard result.status == 0 else { throw FixtureError.tool("imap_reference.py \(arguments.first ?? "") failed: \(result.stderr)") }
        return result.stdout
    }
}
