import Foundation

/// The magnetometer's packets: a slowly rotating interplanetary field of a few nT (magnitude,
/// azimuth and elevation varying over hours), four waves from 0.8 s to 5 min periods, 0.02 nT
/// noise; quantised with the per-axis offsets added at the commanded range, packed as 20-bit
/// two's complement counts, MSB-first.
///
/// Cost per packet: 13 sines/cosines, 16 phasor rotations and 48 noise draws (one `next()` each);
/// no allocation.
struct MagSource: PacketSource {
    let context: SlotContext
    let mode: UInt8
    // Background field phases.
    let p0: Double, p1: Double, p2: Double
    // Four waves: per-axis amplitudes (nT), angular frequencies (rad/s), phases.
    let ax = SIMD4<Double>(0.60, 0.20, 0.08, 0.03)
    let ay = SIMD4<Double>(0.45, -0.35, 0.10, 0.04)
    let az = SIMD4<Double>(0.15, 0.25, -0.12, 0.02)
    let omega = 2 * Double.pi / SIMD4<Double>(300, 47, 6.1, 0.77)
    let phase: SIMD4<Double>
    /// Rotation of each wave's phasor over 1/16 s.
    let stepSin: SIMD4<Double>, stepCos: SIMD4<Double>
    static let noise = 0.02

    init(context: SlotContext, seed: UInt64) {
        self.context = context
        // More than one packet a second is burst-rate data.
        mode = context.slots > DemoInstrument.mag.nominalPacketsPerDay ? 1 : 0
        // Phases depend on the seed only: the field is continuous from one day to the next.
        var random = DemoRandom(seed, 0x3A6)
        p0 = random.uniform() * 2 * .pi
        p1 = random.uniform() * 2 * .pi
        p2 = random.uniform() * 2 * .pi
        phase = SIMD4(random.uniform(), random.uniform(), random.uniform(), random.uniform()) * 2 * .pi
        let step = omega / 16
        stepSin = SIMD4(sin(step[0]), sin(step[1]), sin(step[2]), sin(step[3]))
        stepCos = SIMD4(cos(step[0]), cos(step[1]), cos(step[2]), cos(step[3]))
    }

    /// The background field in nT at MET `t` seconds.
    func background(_ t: Double) -> SIMD3<Double> {
        let magnitude = 5 + 1.5 * sin(2 * .pi * t / 61200 + p0)
        let azimuth = 2 * Double.pi * t / 39600 + p1
        let elevation = 0.35 * sin(2 * .pi * t / 25200 + p2)
        let horizontal = magnitude * cos(elevation)
        return SIMD3(horizontal * cos(azimuth), horizontal * sin(azimuth), magnitude * sin(elevation))
    }

    func fill(slot: Int, at p: UnsafeMutableRawPointer, capture: Bool) -> DemoSample? {
        let (coarse, fine, second) = context.writeHeaders(slot: slot, at: p)
        let range = context.schedule.magRange(at: Int(second))
        p.storeBytes(of: mode, toByteOffset: 12, as: UInt8.self)
        p.storeBytes(of: range, toByteOffset: 13, as: UInt8.self)
        p.storeBytes(of: UInt8(16), toByteOffset: 14, as: UInt8.self)
        let t = Double(context.midnightMET) + second
        let b = background(t + 0.5)
        let inverseScale = 1 / DemoMission.nanoteslaPerCount[Int(range)]
        let offsets = SIMD3<Double>(DemoMission.magnetometerOffsets[0], DemoMission.magnetometerOffsets[1],
                                    DemoMission.magnetometerOffsets[2])
        let angle = omega * t + phase
        var s = SIMD4(sin(angle[0]), sin(angle[1]), sin(angle[2]), sin(angle[3]))
        var c = SIMD4(cos(angle[0]), cos(angle[1]), cos(angle[2]), cos(angle[3]))
        var random = context.random(slot)
        var counts: [[Int32]] = []
        var field: [[Double]] = []
        var out = p + 15
        var pending: UInt64 = 0
        var odd = false
        /// Appends a 20-bit value; every second one completes 5 whole bytes.
        func put(_ value: Int32) {
            pending = pending << 20 | UInt64(UInt32(bitPattern: value) & 0xFFFFF)
            if odd {
                out.storeBytes(of: UInt8(truncatingIfNeeded: pending >> 32), as: UInt8.self)
                out.storeBytes(of: UInt32(truncatingIfNeeded: pending).bigEndian, toByteOffset: 1, as: UInt32.self)
                out += 5
                pending = 0
            }
            odd.toggle()
        }
        for _ in 0..<16 {
            var v = b + SIMD3((ax * s).sum(), (ay * s).sum(), (az * s).sum())
            v += SIMD3(random.gaussian(), random.gaussian(), random.gaussian()) * Self.noise
            (s, c) = (s * stepCos + c * stepSin, c * stepCos - s * stepSin)
            let q = ((v + offsets) * inverseScale).rounded(.toNearestOrEven)
            let x = Int32(max(-524_288, min(524_287, q.x)))
            let y = Int32(max(-524_288, min(524_287, q.y)))
            let z = Int32(max(-524_288, min(524_287, q.z)))
            put(x)
            put(y)
            put(z)
            if capture {
                counts.append([x, y, z])
                field.append([v.x, v.y, v.z])
            }
        }
        guard capture else { return nil }
        var sample = context.sample(slot: slot, offset: 0, coarse: coarse, fine: fine)
        sample.mag = MagSample(mode: mode, range: range, vectorCount: 16, counts: counts, field: field)
        return sample
    }
}
