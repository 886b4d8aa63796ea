/// The demo mission's instruments: APID, container, packet size and nominal packet rate of each.
public enum DemoInstrument: String, Sendable, Hashable, Codable, CaseIterable {
    case mag, spec, hk

    public var apid: UInt16 {
        switch self {
        case .mag: 1100
        case .spec: 1200
        case .hk: 1300
        }
    }

    /// The XTCE container the packets decode with.
    public var container: String {
        switch self {
        case .mag: "DEMO_MAG_SCI"
        case .spec: "DEMO_SPEC_SCI"
        case .hk: "DEMO_HK"
        }
    }

    /// Whole packet length in bytes (primary header included); every packet of an instrument has it.
    public var packetLength: Int {
        switch self {
        case .mag: 135
        case .spec: 49
        case .hk: 22
        }
    }

    /// Packets a day at the nominal rate (1 s, 4 s, 10 s).
    public var nominalPacketsPerDay: Int {
        switch self {
        case .mag: 86400
        case .spec: 21600
        case .hk: 8640
        }
    }

    /// `demo_<instrument>_l0_<YYYYMMDD>_v001.pkts`.
    public func fileName(for day: DemoDate) -> String { "demo_\(rawValue)_l0_\(day.compact)_v001.pkts" }
}
