import CatalogPostgreSQL
import Foundation
import Pipeline
import PipelineTestSupport
import Products
import Testing

/// Job claiming as two processes see it: two connections to one catalog, owners with distinct pids,
/// liveness given explicitly.
@Test(arguments: Backend.available)
func claimsAreExclusiveVersionedAndTakenOverFromDeadOwners(_ backend: Backend) throws {
    let ws = try Workspace()
    let location = try backend.freshLocation(in: ws.root)
    let a = try CatalogLocation.open(location), b = try CatalogLocation.open(location)
    let p = ProductID("mag_l2_phys")!, day = weekStart
    let alice = JobOwner(host: "h", pid: 100), bob = JobOwner(host: "h", pid: 200)
    var alive: Set<Int32> = [100, 200]
    func claim(_ c: Catalog, _ hash: String, _ owner: JobOwner) throws -> ClaimResult {
        let live = alive
        return try c.claim(product: p, day: day, inputHash: hash, inputs: ["x"], softwareVersion: "s", configurationDigest: "d",
                           owner: owner, isAlive: { live.contains($0.pid) })
    }
    guard case .claimed(let job1, 1, false) = try claim(a, "H1", alice) else { Issue.record("first claim"); return }
    #expect(try claim(b, "H1", bob) == .busy(owner: alice))
    try a.complete(jobID: job1, product: p, day: day, version: 1, outputs: [OutputFile(path: "/p/v1", size: 1, checksum: "c1", mtime: 0)],
                   inputFileIDs: [], owner: alice)
    #expect(try claim(b, "H1", bob) == .alreadyDone(version: 1))
    // New inputs: version 2. Its owner dies; the same inputs are taken over with the same version.
    guard case .claimed(let job2, 2, false) = try claim(b, "H2", bob) else { Issue.record("second claim"); return }
    alive.remove(200)
    #expect(try claim(a, "H2", alice) == .claimed(jobID: job2, version: 2, resumed: true))
    // The dead owner can no longer complete it.
    #expect(throws: CatalogError.self) {
        try b.complete(jobID: job2, product: p, day: day, version: 2, outputs: [], inputFileIDs: [], owner: bob)
    }
    try a.fail(jobID: job2, error: "boom", owner: alice)
    let failed = try a.jobs(product: p, day: day).first { $0.id == job2 }!
    #expect(failed.state == .failed && failed.error == "boom" && failed.attempts == 2)
    // A failed job is retried with the next free version.
    #expect(try claim(b, "H2", JobOwner(host: "h", pid: 100)) == .claimed(jobID: job2, version: 2, resumed: false))
    #expect(try a.latestProduct(p, day: day)?.job.version == 1)
    #expect(try a.latestProduct(p, day: day)?.files.map(\.path) == ["/p/v1"])

    // A job on another host: alive while its heartbeat is fresh, taken over once it is stale.
    let remote = JobOwner(host: "elsewhere", pid: 1)
    guard case .claimed(let job3, 3, false) = try b.claim(product: p, day: day, inputHash: "H3", inputs: [], softwareVersion: "s",
                                                          configurationDigest: "d", owner: remote, isAlive: { _ in true })
    else { Issue.record("remote claim"); return }
    try b.heartbeat(jobID: job3, owner: remote)
    #expect(try a.claim(product: p, day: day, inputHash: "H3", inputs: [], softwareVersion: "s", configurationDigest: "d",
                        owner: alice, isAlive: { _ in true }) == .busy(owner: remote))
    let impatient = try CatalogLocation.open(location, staleHeartbeatSeconds: -1)  // every heartbeat is in the past
    #expect(try impatient.claim(product: p, day: day, inputHash: "H3", inputs: [], softwareVersion: "s", configurationDigest: "d",
                        owner: alice, isAlive: { _ in true }) == .claimed(jobID: job3, version: 3, resumed: true))
}

/// Many concurrent claimers on separate connections: exactly one wins each job.
@Test(arguments: Backend.available)
func concurrentClaimersGetEachJobOnce(_ backend: Backend) async throws {
    let ws = try Workspace()
    let location = try backend.freshLocation(in: ws.root)
    let catalogs = try (0..<4).map { _ in try CatalogLocation.open(location) }
    let wins = await withTaskGroup(of: Int.self) { group in
        for (i, c) in catalogs.enumerated() {
            group.addTask {
                var won = 0
                for d in week {
                    let r = try? c.claim(product: ProductID("hk_l1a_raw")!, day: d, inputHash: "same", inputs: [], softwareVersion: "s",
                                         configurationDigest: "d", owner: JobOwner(host: "h", pid: Int32(1000 + i)), isAlive: { _ in true })
                    if case .claimed = r { won += 1 }
                }
                return won
            }
        }
        return await group.reduce(0, +)
    }
    #expect(wins == week.count)
    #expect(try catalogs[0].jobs().count == week.count)
}
