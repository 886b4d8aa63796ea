import Foundation
import Products
import Testing

/// The loader accepts a good mission and turns each kind of mistake into one error naming the file
/// and the line of the mistake.
@Suite struct MissionLoaderTests {
    /// Loads a mission whose mission.yaml is `yaml`; returns the error (nil when it loads).
    func loadError(_ yaml: String, definitions: String? = TestMission.xtce) throws -> (ConfigurationError, String)? {
        let dir = try TestMission.write(yaml, definitions: definitions)
        do {
            _ = try Mission.load(directory: dir, library: TestMission.library)
            return nil
        } catch {
            return (error, dir + "/mission.yaml")
        }
    }

    /// The 1-based line of the first line of `yaml` containing `marker`.
    func line(of marker: String, in yaml: String) -> Int {
        (yaml.components(separatedBy: "\n").firstIndex { $0.contains(marker) } ?? -2) + 1
    }

    func expectError(_ yaml: String, at marker: String, containing words: String, definitions: String? = TestMission.xtce,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try loadError(yaml, definitions: definitions)
        guard let (error, file) = result else {
            Issue.record("the mission loaded; expected an error about '\(words)'", sourceLocation: sourceLocation)
            return
        }
        #expect(error.location.file == file, sourceLocation: sourceLocation)
        #expect(error.location.line == line(of: marker, in: yaml), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.contains(words), "\(error)", sourceLocation: sourceLocation)
        #expect(error.description.hasPrefix("\(file):\(line(of: marker, in: yaml)): "), sourceLocation: sourceLocation)
    }

    @Test func goodMissionLoads() throws {
        let dir = try TestMission.write(TestMission.yaml())
        let mission = try Mission.load(directory: dir, library: TestMission.library)
        #expect(mission.name == "test")
        #expect(mission.instruments.map(\.name) == ["mag"])
        #expect(mission.instruments[0].apids == [1100])
        #expect(mission.products.map(\.id.description) == ["mag_l1a_raw", "mag_l2_scaled"])
        #expect(mission.formats == [.cdf])
        #expect(mission.compression.cdfGzipLevel == 1)
        #expect(mission.products[1].inputs[0].source == .product(ProductID("mag_l1a_raw")!))
        #expect(mission.products[0].inputs[0].source == .level0(instrument: "mag", .container("TEST_SCI")))
        // 2025-01-01T00:00:00 UTC is MET 15 years of days after 2010-01-01; TT2000 from FIELD-NOTES §3.
        let met = Double(TestMission.met(of: MissionDay(year: 2025, month: 1, day: 1)!))
        #expect(mission.clock.tt2000(met: met) == 788_961_669_184_000_000)
        #expect(mission.clock.tt2000(met: met + 0.5) == 788_961_669_684_000_000)
    }

    @Test func badYAML() throws {
        let yaml = TestMission.yaml().replacingOccurrences(of: "  name: test", with: "  name: [test")
        let result = try #require(try loadError(yaml))
        #expect(result.0.location.file == result.1)
        #expect(result.0.location.line >= line(of: "name: [test", in: yaml))
        #expect(result.0.description.contains("not valid YAML"))
    }

    @Test func unknownTopLevelKey() throws {
        let yaml = TestMission.yaml(extra: "instrumnets: {}\n")
        try expectError(yaml, at: "instrumnets:", containing: "unknown key 'instrumnets'")
    }

    @Test func wrongType() throws {
        let yaml = TestMission.yaml().replacingOccurrences(of: "ticks_per_second: 1", with: "ticks_per_second: fast")
        try expectError(yaml, at: "ticks_per_second: fast", containing: "must be a number")
        let apids = TestMission.yaml().replacingOccurrences(of: "apids: [1100]", with: "apids: {a: 1}")
        try expectError(apids, at: "a: 1", containing: "must be an integer")
    }

    @Test func unknownAPID() throws {
        let yaml = TestMission.yaml().replacingOccurrences(of: "apids: [1100]", with: "apids: [1100, 1200]")
        try expectError(yaml, at: "apids: [1100, 1200]", containing: "APID 1200")
        let input = TestMission.yaml(products: """
              mag_l1a_raw:
                inputs:
                  - {l0: mag, apid: 1300}
            """)
        try expectError(input, at: "apid: 1300", containing: "unknown APID 1300")
    }

    @Test func unknownContainerInstrumentProductAndStep() throws {
        let container = TestMission.yaml().replacingOccurrences(of: "container: TEST_SCI", with: "container: TEST_HK")
        try expectError(container, at: "container: TEST_HK", containing: "unknown container 'TEST_HK'")
        let instrument = TestMission.yaml().replacingOccurrences(of: "  mag_l2_scaled:", with: "  swe_l2_scaled:")
        try expectError(instrument, at: "swe_l2_scaled:", containing: "unknown instrument 'swe'")
        let product = TestMission.yaml().replacingOccurrences(of: "{product: mag_l1a_raw}", with: "{product: mag_l1a_rwa}")
        try expectError(product, at: "mag_l1a_rwa", containing: "unknown product 'mag_l1a_rwa'")
        let step = TestMission.yaml().replacingOccurrences(of: "- test_keep:", with: "- test_kepe:")
        try expectError(step, at: "test_kepe", containing: "unknown step 'test_kepe'")
    }

    @Test func unknownParameterOfDefinitionsOrStep() throws {
        // A variable name that the definitions do not have.
        let field = TestMission.yaml().replacingOccurrences(of: "variable: BX", with: "variable: BY")
        try expectError(field, at: "variable: BY", containing: "unknown parameter or variable 'BY'")
        // A step parameter the step does not know (its factory's error, at its line).
        let parameter = TestMission.yaml().replacingOccurrences(of: "{keep: [epoch, B]}", with: "{keep: [epoch, B],\n          kept: 1}")
        try expectError(parameter, at: "kept: 1", containing: "unknown parameter 'kept'")
    }

    @Test func missingFiles() throws {
        let yaml = TestMission.yaml()
        try expectError(yaml, at: "definitions: definitions/test.xml", containing: "does not exist", definitions: nil)
        let dir = try TestMission.write(yaml)
        #expect(throws: ConfigurationError.self) { try Mission.load(directory: dir + "/nowhere", library: TestMission.library) }
    }

    @Test func dependencyCycle() throws {
        let yaml = TestMission.yaml(products: """
              mag_l1a_raw:
                inputs:
                  - {l0: mag, container: TEST_SCI}
              mag_l2_a:
                inputs:
                  - {product: mag_l2_b}
              mag_l2_b:
                inputs:
                  - {product: mag_l2_a}
            """)
        try expectError(yaml, at: "mag_l2_a:", containing: "dependency cycle: mag_l2_a -> mag_l2_b -> mag_l2_a")
    }

    @Test func badFormatsAndNaming() throws {
        let formats = TestMission.yaml(formats: "[cdf, netcdf]")
        try expectError(formats, at: "formats: [cdf, netcdf]", containing: "unknown format 'netcdf'")
        let naming = TestMission.yaml(extra: "naming:\n  product: \"{mission}_{instrument}_{level}_{date}_v{version}.{ext}\"\n")
        try expectError(naming, at: "  product: \"{mission}", containing: "must contain {descriptor}")
    }

    @Test func digestsChangeWithRecipeAndFilesOnly() throws {
        let dir = try TestMission.write(TestMission.yaml())
        let a = try Mission.load(directory: dir, library: TestMission.library)
        let l1a = ProductID("mag_l1a_raw")!, l2 = ProductID("mag_l2_scaled")!
        // Same configuration, reloaded (comments and layout do not count): same digests.
        let commented = "# a comment\n" + TestMission.yaml()
        try commented.write(toFile: dir + "/mission.yaml", atomically: true, encoding: .utf8)
        let b = try Mission.load(directory: dir, library: TestMission.library)
        #expect(a.digests == b.digests)
        // The L2 recipe changes: only L2's digest changes.
        try TestMission.yaml().replacingOccurrences(of: "0.0078125, 0.03125", with: "0.0078125, 0.0625")
            .write(toFile: dir + "/mission.yaml", atomically: true, encoding: .utf8)
        let c = try Mission.load(directory: dir, library: TestMission.library)
        #expect(c.digests[l1a] == a.digests[l1a])
        #expect(c.digests[l2] != a.digests[l2])
        // The definitions change: both change (L2 reads L1A).
        try TestMission.yaml().write(toFile: dir + "/mission.yaml", atomically: true, encoding: .utf8)
        try (TestMission.xtce + "\n<!-- edited -->\n").write(toFile: dir + "/definitions/test.xml", atomically: true, encoding: .utf8)
        let d = try Mission.load(directory: dir, library: TestMission.library)
        #expect(d.digests[l1a] != a.digests[l1a])
        #expect(d.digests[l2] != a.digests[l2])
        // The nodes the pipeline sees.
        let nodes = MissionProcessor(mission: d).nodes
        #expect(nodes.map(\.id) == [l1a, l2])
        #expect(nodes[1].dependencies == [ProductDependency(.product(l1a))])
        #expect(nodes[0].dependencies == [ProductDependency(.level0(instrument: "mag"))])
        #expect(nodes[1].configurationDigest == d.digests[l2])
    }
}
