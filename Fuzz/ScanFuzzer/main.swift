// libFuzzer entry point for the packet scanner: built with `-sanitize=fuzzer,address` together with
// the SpacePackets sources by tools/build-fuzzer. Every input is scanned under three rule sets;
// the scan must not crash and must account for every byte.
import SpacePackets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScan(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    for rules in [ScanRules(), ScanRules(knownAPIDs: [1, 2, 100]), ScanRules(packetVersion: .any, maximumPacketLength: 512)] {
        let index = PacketScanner.scan(bytes, file: "fuzz", rules: rules)
        let accounted = index.packetBytes + index.idleBytes + index.skippedBytes + index.truncatedBytes
        if accounted != index.fileSize { fatalError("accounted \(accounted) of \(index.fileSize) bytes") }
    }
    return 0
}
