import Foundation
import Products
import ReferenceFixtures
import Testing

/// testdata/missions/demo/mission.yaml with the standard library: it loads, its graph is what
/// DEMO-SPEC.md describes, and a calibration edit changes exactly the digests downstream of it.
@Suite struct DemoMissionConfigTests {
    static let demo = Fixtures.root.appendingPathComponent("testdata/missions/demo").path

    @Test func loadsWithTheStandardLibrary() throws {
        let mission = try Mission.load(directory: Self.demo, library: .standard)
        #expect(mission.name == "demo")
        #expect(mission.instruments.map(\.name) == ["mag", "spec", "hk", "sw"])
        #expect(mission.instruments.map(\.apids) == [[1100], [1200], [1300], []])
        #expect(mission.formats == [.cdf, .fits, .hdf5])
        let nodes = MissionProcessor(mission: mission).nodes
        #expect(Set(nodes.map(\.id.description)) == [
            "mag_l1a_raw", "mag_l1b_norm", "mag_l2_norm", "mag_l3_1min", "spec_l1a_raw", "spec_l1b_counts", "spec_l2_rates",
            "spec_l3_1min", "hk_l1a_raw", "hk_l1b_eng", "hk_l3_7day", "sw_l3_joined",
        ])
        // Inputs come first.
        for (i, node) in nodes.enumerated() {
            for dependency in node.dependencies {
                if case .product(let up) = dependency.source { #expect(nodes.prefix(i).contains { $0.id == up }, "\(node.id) before \(up)") }
            }
        }
        // The 7-day window: its own day required, the 6 before soft.
        let week = try #require(nodes.first { $0.id.description == "hk_l3_7day" })
        let l1b = ProductID("hk_l1b_eng")!
        #expect(week.dependencies == [ProductDependency(.product(l1b), required: true, days: 0...0),
                                      ProductDependency(.product(l1b), required: false, days: -6...(-1))])
        let joined = try #require(nodes.first { $0.id.description == "sw_l3_joined" })
        #expect(joined.dependencies.map(\.source) == [.product(ProductID("mag_l3_1min")!), .product(ProductID("spec_l3_1min")!)])
    }

    @Test func calibrationEditChangesOnlyDownstreamDigests() throws {
        let copy = try Fixtures.temporaryDirectory().appendingPathComponent("demo").path
        try FileManager.default.copyItem(atPath: Self.demo, toPath: copy)
        let before = try Mission.load(directory: copy, library: .standard).digests
        let table = copy + "/calibration/mag_calibration.csv"
        let text = try String(contentsOfFile: table, encoding: .utf8).replacingOccurrences(of: "x,0.412", with: "x,0.512")
        try text.write(toFile: table, atomically: true, encoding: .utf8)
        let after = try Mission.load(directory: copy, library: .standard).digests
        let changed = Set(before.keys.filter { before[$0] != after[$0] }.map(\.description))
        #expect(changed == ["mag_l1b_norm", "mag_l2_norm", "mag_l3_1min", "sw_l3_joined"])
    }
}
