// Decoding indexed packets into columns (Decom): the fixed-layout table and a wide packet.
//
// Inputs are generated once (seeded) into the temporary folder and reused:
// - 100 MB of 34-byte packets laid out like CCSDSPy's hs/apid895 test packets: 20 fields (the 7
//   primary header fields, 32/32/16/16-bit counters, a 32-bit word and its 5 bit fields of 6-7
//   bits placed with LocationInContainerInBits, two int32 and a float32);
// - 64 MB of 233-byte packets of 120 fields of 1-32 bits at every alignment, a third signed.
// The scan runs before the measurement; the measured part is `Decoder.decode` (dispatch,
// allocation at final size, fill). Custom metrics: MB/s and M packets/s.
import Benchmark
import Decom
import Foundation
import PacketDefinitions
import SpacePackets

/// Fields (name, bits, signed, float) after the primary header, in packet order.
typealias FieldSpec = (name: String, bits: Int, signed: Bool, float: Bool)

func xtce(apid: Int, fields: [FieldSpec], located: [(name: String, bit: Int, bits: Int)] = []) -> String {
    var types = Set<String>(), typeXML = "", params = "", entries = ""
    func type(_ bits: Int, _ signed: Bool, _ float: Bool) -> String {
        let name = float ? "F\(bits)" : signed ? "S\(bits)" : "U\(bits)"
        if types.insert(name).inserted {
            typeXML += float
                ? "<xtce:FloatParameterType name=\"\(name)\"><xtce:FloatDataEncoding sizeInBits=\"\(bits)\"/></xtce:FloatParameterType>\n"
                : "<xtce:IntegerParameterType name=\"\(name)\"><xtce:IntegerDataEncoding sizeInBits=\"\(bits)\" encoding=\"\(signed ? "twosComplement" : "unsigned")\"/></xtce:IntegerParameterType>\n"
        }
        return name
    }
    let header: [FieldSpec] = [("VERSION", 3, false, false), ("TYPE", 1, false, false), ("SEC_HDR_FLG", 1, false, false),
                               ("PKT_APID", 11, false, false), ("SEQ_FLGS", 2, false, false), ("SRC_SEQ_CTR", 14, false, false),
                               ("PKT_LEN", 16, false, false)]
    for f in header + fields { params += "<xtce:Parameter name=\"\(f.name)\" parameterTypeRef=\"\(type(f.bits, f.signed, f.float))\"/>\n" }
    for l in located { params += "<xtce:Parameter name=\"\(l.name)\" parameterTypeRef=\"\(type(l.bits, false, false))\"/>\n" }
    for f in fields { entries += "<xtce:ParameterRefEntry parameterRef=\"\(f.name)\"/>\n" }
    for l in located {
        entries += "<xtce:ParameterRefEntry parameterRef=\"\(l.name)\"><xtce:LocationInContainerInBits referenceLocation=\"containerStart\">"
            + "<xtce:FixedValue>\(l.bit)</xtce:FixedValue></xtce:LocationInContainerInBits></xtce:ParameterRefEntry>\n"
    }
    return """
    <?xml version="1.0" encoding="UTF-8"?>
    <xtce:SpaceSystem xmlns:xtce="http://www.omg.org/spec/XTCE/20180204" name="BENCH"><xtce:TelemetryMetaData>
    <xtce:ParameterTypeSet>\(typeXML)</xtce:ParameterTypeSet><xtce:ParameterSet>\(params)</xtce:ParameterSet><xtce:ContainerSet>
    <xtce:SequenceContainer name="CCSDSPacket" abstract="true"><xtce:EntryList>
    \(header.map { "<xtce:ParameterRefEntry parameterRef=\"\($0.name)\"/>" }.joined())
    </xtce:EntryList></xtce:SequenceContainer>
    <xtce:SequenceContainer name="Bench"><xtce:BaseContainer containerRef="CCSDSPacket"><xtce:RestrictionCriteria>
    <xtce:Comparison parameterRef="PKT_APID" value="\(apid)" useCalibratedValue="false"/></xtce:RestrictionCriteria></xtce:BaseContainer>
    <xtce:EntryList>\(entries)</xtce:EntryList></xtce:SequenceContainer>
    </xtce:ContainerSet></xtce:TelemetryMetaData></xtce:SpaceSystem>
    """
}

/// Writes `count` packets of `payload` bytes of seeded random data for `apid`, once.
func input(_ name: String, apid: UInt16, payload: Int, bytes: Int) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("downlink-bench-decode-\(name).bin").path
    let length = payload + 6
    let count = bytes / length + 1
    if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == count * length { return path }
    var data = [UInt8](repeating: 0, count: count * length)
    var state: UInt64 = 0x5EED
    for p in 0..<count {
        let o = p * length
        data[o] = UInt8(apid >> 8)
        data[o + 1] = UInt8(apid & 0xFF)
        data[o + 2] = 0xC0 | UInt8((p >> 8) & 0x3F)
        data[o + 3] = UInt8(p & 0xFF)
        data[o + 4] = UInt8((payload - 1) >> 8)
        data[o + 5] = UInt8((payload - 1) & 0xFF)
        for k in 0..<payload {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            data[o + 6 + k] = UInt8(truncatingIfNeeded: state >> 56)
        }
    }
    FileManager.default.createFile(atPath: path, contents: Data(data))
    return path
}

let hsFields: [FieldSpec] = [("time_secs", 32, false, false), ("time_usecs", 32, false, false), ("uint16_cnt", 16, false, false),
                             ("int16_osc", 16, true, false), ("uint32_bitfld", 32, false, false), ("int32_osc", 32, true, false),
                             ("int32_sin_2h", 32, true, false), ("flt_sin_12h", 32, false, true)]
let hsLocated = [("fld1", 144, 6), ("fld2", 150, 7), ("fld3", 157, 6), ("fld4", 163, 7), ("fld5", 170, 6)]
let hsDefinition = xtce(apid: 895, fields: hsFields, located: hsLocated.map { (name: $0.0, bit: $0.1, bits: $0.2) })
let hsPath = input("hs895-100mb", apid: 895, payload: 28, bytes: 100_000_000)

let widths = [1, 3, 5, 7, 8, 11, 12, 13, 16, 17, 20, 24, 27, 31, 32]
let wideFields: [FieldSpec] = (0..<120).map { i in
    let bits = widths[i % widths.count]
    return (String(format: "F%03d", i), bits, i % 3 == 0 && bits > 1, false)
}
let wideDefinition = xtce(apid: 300, fields: wideFields)
let widePath = input("wide-64mb", apid: 300, payload: (wideFields.reduce(0) { $0 + $1.bits } + 7) / 8, bytes: 64_000_000)

func record(_ benchmark: Benchmark, bytes: Int, packets: Int, seconds: Double) {
    benchmark.measurement(.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false), Int(Double(bytes) / seconds / 1e6))
    benchmark.measurement(.custom("M packets/s", polarity: .prefersLarger, useScalingFactor: false),
                          Int(Double(packets) / seconds / 1e6))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident], warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 20)

    for (name, path, xml) in [("hs895 layout, 20 fields, 34-byte packets, 100 MB", hsPath, hsDefinition),
                              ("wide packet, 127 fields, 233-byte packets, 64 MB", widePath, wideDefinition)] {
        Benchmark("decode: \(name)") { benchmark in
            let set = try XTCELoader.load(xml: xml, file: "bench.xml")
            let decoder = try Decoder(definitions: set, options: DecodeOptions(headerColumns: false))
            let scanned = try await PacketScanner.scan(paths: [path])
            benchmark.startMeasurement()
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try await decoder.decode(scanned)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            benchmark.stopMeasurement()
            record(benchmark, bytes: scanned[0].index.fileSize, packets: result.decodedPackets, seconds: seconds)
            blackHole(result)
        }
    }
}
