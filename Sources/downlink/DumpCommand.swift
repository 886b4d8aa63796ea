import ArgumentParser
import CDF

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Describe a CDF file: format, global attributes, each variable with its attributes and first records.",
        discussion: "Reads files written by Downlink, the NASA CDF library, cdflib and pycdfpp; only the blocks holding the shown records are read."
    )

    @Argument(help: "CDF files.")
    var files: [String]

    @Option(name: .long, help: "Records shown per variable.")
    var records = 3

    func run() throws {
        guard records >= 0 else { throw ValidationError("--records must not be negative") }
        for (i, file) in files.enumerated() {
            if i > 0 { print() }
            print(try CDFReader(path: file).describe(records: records))
        }
    }
}
