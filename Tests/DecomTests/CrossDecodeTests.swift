import Dataset
import Decom
import Foundation
import PacketDefinitions
import SpacePackets
import Testing

/// Every IMAP Level-0 file decoded with every IMAP definition, the right ones and the wrong ones:
/// each packet is decoded or accounted for, and nothing crashes or reads out of bounds.
@Suite struct CrossDecodeTests {
    static func files(_ imap: URL, extensions: [String]) -> [String] {
        let enumerator = FileManager.default.enumerator(at: imap, includingPropertiesForKeys: nil)
        var out: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            if extensions.contains(url.pathExtension.lowercased()) { out.append(url.path) }
        }
        return out.sorted()
    }

    @Test("All IMAP files x all IMAP definitions: every packet decoded or reported")
    func everyFileWithEveryDefinition() async throws {
        guard let imap = Fixtures.imap else { #expect(!Fixtures.isCI); return }
        let level0 = Self.files(imap, extensions: ["pkts", "bin", "ccsds"])
        let definitions = Self.files(imap, extensions: ["xml"])
        #expect(level0.count >= 20)
        #expect(definitions.count >= 14)
        let scanned = try await PacketScanner.scan(paths: level0)
        var decodes = 0
        for path in definitions {
            let set = try DefinitionSet.load(contentsOf: path)
            let decoder = try Decoder(definitions: set)
            for file in scanned {
                let result = try await decoder.decode([file])
                let accounted = result.decodedPackets + result.undecodedPackets
                #expect(accounted == file.index.packetCount, "\(file.index.file) with \(path)")
                for c in result.containers { #expect(c.dataset.variables.allSatisfy { $0.column.records == c.records }) }
                decodes += 1
            }
        }
        #expect(decodes == level0.count * definitions.count)
    }
}
