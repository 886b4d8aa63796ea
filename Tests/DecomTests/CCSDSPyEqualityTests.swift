import Dataset
import Decom
import Foundation
import PacketDefinitions
import Testing

/// CCSDSPy's own test data (hs/apidNNN: a .tlm file and its CSV definition) decoded here and by
/// CCSDSPy 2.0.1's FixedLength (tools/ccsdspy_decode_reference.py): every packet, every field. The
/// definitions' bit offsets count from the end of the primary header; both decoders are told so.
@Suite(.serialized) struct CCSDSPyEqualityTests {
    static let apids = ["001", "010", "035", "130", "251", "895"]

    @Test("Every field of every packet equals CCSDSPy's decode of its own test files", arguments: apids)
    func equalToCCSDSPy(_ apid: String) async throws {
        let data = try Fixtures.ccsdspyData().appendingPathComponent("hs/apid\(apid)")
        let defs = data.appendingPathComponent("defs.csv").path
        let tlm = try #require(try FileManager.default.contentsOfDirectory(atPath: data.path).first { $0.hasSuffix(".tlm") })
        let file = data.appendingPathComponent(tlm).path
        let set = try CSVDefinitionLoader.load(contentsOf: defs, apid: Int(apid)!, bitOffsetOrigin: .afterPrimaryHeader)
        let result = try await decode(paths: [file], definitions: set)
        let container = try #require(result.containers.first)
        #expect(result.containers.count == 1)
        #expect(result.undecodedPackets == 0)
        #expect(result.findings.isEmpty)

        let python = try Fixtures.peersPython()
        let run = try Fixtures.run(python, [Fixtures.root.appendingPathComponent("tools/ccsdspy_decode_reference.py").path, defs, file,
                                                 "--after-primary-header"])
        try #require(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let count = try #require(object["count"] as? Int)
        let columns = try #require(object["columns"] as? [String: [String]])
        #expect(container.records == count)
        #expect(count > 0)

        let tagged = TaggedValues(container, set)
        var compared = 0
        for (name, values) in columns.sorted(by: { $0.key < $1.key }) {
            #expect(tagged.column(name) != nil, "no column \(name)")
            var firstMismatch: String? = nil
            for (record, value) in values.enumerated() {
                let mine = tagged.raw(name, record)
                if mine != value && firstMismatch == nil { firstMismatch = "\(name)[\(record)]: \(mine ?? "missing") != \(value)" }
                compared += 1
            }
            #expect(firstMismatch == nil, "\(firstMismatch ?? "")")
        }
        #expect(compared == count * columns.count)
    }
}
