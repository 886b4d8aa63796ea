// libFuzzer entry point for the packet scanner: built with `-sanitize=fuzzer,address` together with
// the SpacePackets sources by tools/build-fuzzer. Every input is scanned under three rule sets;
// the scan must not crash and must account for every byte. Each is scanned again with lanes cut
// far smaller than in production (see `HeaderWalk.laneWalk`), serially and in chunks, and must
// give the same index.
@testable import SpacePackets

let smallLanes = LanePlan(minimumLaneBytes: 64, maximumLanes: 9, minimumLanes: 2, retryBytes: 0, probeBytes: 0,
                          minimumMeanLength: 0, maximumRegularShare: 1)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScan(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    for rules in [ScanRules(), ScanRules(knownAPIDs: [1, 2, 100]), ScanRules(packetVersion: .any, maximumPacketLength: 512)] {
        let index = PacketScanner.scan(bytes, file: "fuzz", rules: rules, workers: 1)
        let accounted = index.packetBytes + index.idleBytes + index.skippedBytes + index.truncatedBytes
        if accounted != index.fileSize { fatalError("accounted \(accounted) of \(index.fileSize) bytes") }
        for workers in [1, 3] {
            let laned = PacketScanner.scanOutcome(bytes, file: "fuzz", rules: rules, workers: workers, minimumChunkBytes: 1,
                                                  minimumParallelRows: 0, sliceBytes: 512, lanes: smallLanes).index
            if laned != index { fatalError("lanes (\(workers) chunks) differ from the plain walk") }
        }
    }
    return 0
}
