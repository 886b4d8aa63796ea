import Foundation

/// Wall and CPU seconds of a command's stages, for `--timing`: what the work itself costs inside the
/// process, apart from loading the program (reported too, as the CPU used before the command began),
/// so that comparisons with peers timed inside their own process are like for like.
final class StageStopwatch {
    struct Lap {
        var wall: Double
        var cpu: Double
    }

    private let clock = ContinuousClock()
    private var lastWall: ContinuousClock.Instant
    private var lastCPU: Double
    /// Process CPU seconds when the stopwatch was made: dynamic loading and runtime start-up.
    let startupCPU: Double

    init() {
        lastWall = clock.now
        lastCPU = DecodeTiming.cpuSeconds()
        startupCPU = lastCPU
    }

    /// The time since the previous lap (or the start).
    func lap() -> Lap {
        let wall = clock.now
        let cpu = DecodeTiming.cpuSeconds()
        defer { lastWall = wall; lastCPU = cpu }
        return Lap(wall: (wall - lastWall).seconds, cpu: cpu - lastCPU)
    }

    /// One JSON line on standard error: `{"bytes":..,"packets":..,"startup_cpu_seconds":..,
    /// "<stage>_seconds":..,"<stage>_cpu_seconds":..,"peak_rss_bytes":..}`.
    func report(_ laps: KeyValuePairs<String, Lap>, bytes: Int, packets: Int) {
        var line = "{\"bytes\":\(bytes),\"packets\":\(packets),\"startup_cpu_seconds\":\(startupCPU)"
        for (stage, lap) in laps { line += ",\"\(stage)_seconds\":\(lap.wall),\"\(stage)_cpu_seconds\":\(lap.cpu)" }
        line += ",\"peak_rss_bytes\":\(DecodeTiming.peakResidentBytes())}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
