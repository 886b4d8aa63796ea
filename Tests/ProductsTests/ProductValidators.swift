import Foundation
import ReferenceFixtures

/// Runs tools/product_validate.py with the validators' virtualenvs (tools/cdf-validators-venv.sh for
/// CDF, tools/writer-validators-venv for FITS and HDF5) and parses what the readers read.
enum ProductValidators {
    enum Kind: String { case cdf, fits, hdf5 }

    struct Report {
        var problems: [String]
        var readers: [String: Any]
        /// Every value of a variable as read by `reader`, as doubles (TT2000 exactly up to 2^53).
        func values(_ reader: String, _ variable: String) -> [Double]? {
            guard let vars = readers[reader] as? [String: Any], let v = vars[variable] as? [String: Any],
                  let values = v["values"] as? [Any] else { return nil }
            return values.compactMap { ($0 as? NSNumber)?.doubleValue }
        }
    }

    static func python(_ kind: Kind) throws -> String {
        let script = kind == .cdf ? "tools/cdf-validators-venv.sh" : "tools/writer-validators-venv"
        let r = try Fixtures.run("/bin/bash", [Fixtures.root.appendingPathComponent(script).path])
        guard r.status == 0, let line = r.stdout.split(separator: "\n").last else {
            throw FixtureError.tool("\(script) failed: \(r.stderr.suffix(2000))")
        }
        return String(line)
    }

    static func run(_ kind: Kind, _ path: String, istp: Bool = false) throws -> Report {
        let script = Fixtures.root.appendingPathComponent("tools/product_validate.py").path
        var args = [script, kind.rawValue, path]
        if istp { args.append("--istp") }
        let r = try Fixtures.run(try python(kind), args)
        guard r.status == 0, let data = r.stdout.split(separator: "\n").last.map({ Data($0.utf8) }),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError.tool("product_validate.py \(kind) \(path) failed: \(r.stderr.suffix(2000)) \(r.stdout.suffix(500))")
        }
        return Report(problems: object["problems"] as? [String] ?? [], readers: object["readers"] as? [String: Any] ?? [:])
    }
}
