import Products
import Testing

@Suite struct NamingRuleTests {
    let day = MissionDay(year: 2025, month: 3, day: 7)!

    @Test func defaultProductNames() {
        let rule = NamingRule()
        let id = ProductID("mag_l2_norm")!
        #expect(rule.fileName(mission: "demo", product: id, day: day, version: 1, format: .cdf) == "demo_mag_l2_norm_20250307_v001.cdf")
        #expect(rule.fileName(mission: "demo", product: id, day: day, version: 12, format: .fits) == "demo_mag_l2_norm_20250307_v012.fits")
        #expect(rule.fileName(mission: "demo", product: id, day: day, version: 1234, format: .hdf5) == "demo_mag_l2_norm_20250307_v1234.h5")
        #expect(rule.logicalFileID(mission: "demo", product: id, day: day, version: 3) == "demo_mag_l2_norm_20250307_v003")
    }

    @Test func configuredProductNames() {
        let rule = NamingRule(product: "{mission}-{level}-{instrument}-{descriptor}-{date}-r{version}.{ext}")
        #expect(rule.fileName(mission: "imap", product: ProductID("swapi_l1a_sci")!, day: day, version: 2, format: .cdf)
                == "imap-l1a-swapi-sci-20250307-r002.cdf")
    }

    @Test func level0Matching() {
        let rule = NamingRule()
        #expect(rule.isLevel0("demo_mag_l0_20250307_v001.pkts", mission: "demo", instrument: "mag", day: day))
        #expect(rule.isLevel0("demo_mag_l0_20250307_v017.pkts", mission: "demo", instrument: "mag", day: day))
        #expect(!rule.isLevel0("demo_mag_l0_20250308_v001.pkts", mission: "demo", instrument: "mag", day: day))
        #expect(!rule.isLevel0("demo_spec_l0_20250307_v001.pkts", mission: "demo", instrument: "mag", day: day))
        #expect(!rule.isLevel0("demo_mag_l0_20250307_v001.pkts.tmp", mission: "demo", instrument: "mag", day: day))
        let imap = NamingRule(level0: "imap_{instrument}_l0_raw_{date}_v{version}.pkts")
        #expect(imap.isLevel0("imap_swapi_l0_raw_20250307_v001.pkts", mission: "imap", instrument: "swapi", day: day))
    }
}
