import Foundation

/// The magnetometer's packets: a slowly rotating interplanetary field of a few nT (magnitude,
/// azimuth and elevation varying over hours), four waves from 0.8 s to 5 min periods, 0.02 nT
/// noise; quantised with the per-axis offsets added at the commanded range, packed as 20-bit
/// two's complement counts, MSB-first.
///
/// The model runs on phasors (sine, cosine) of its seven cycles, at the slot's nominal time
/// midnight + slot * 86400 / slots (within 1/65536 s of SHCOARSE/SHFINE). They are computed with
/// sines every `anchorSpacing` slots and rotated by one slot's step in between, so that consecutive
/// packets cost no sine at all, and a lone packet (a sample) gets bit-identical values by rotating
/// from its anchor.
///
/// Cost per packet: 7 phasor rotations, 16 wave steps and 48 noise draws (one `next()` each); no
/// allocation.
struct MagSource: PacketSource {
    let context: SlotContext
    let mode: UInt8
    // Four waves: per-axis amplitudes (nT).
    let ax = SIMD4<Double>(0.60, 0.20, 0.08, 0.03)
    let ay = SIMD4<Double>(0.45, -0.35, 0.10, 0.04)
    let az = SIMD4<Double>(0.15, 0.25, -0.12, 0.02)
    /// Periods (s) of the cycles: background magnitude, azimuth, elevation; the four waves; unused.
    let periods = SIMD8<Double>(61200, 39600, 25200, 300, 47, 6.1, 0.77, 1)
    /// Phase of each cycle at MET 0 (the background's taken half a second later: mid-packet).
    let phases: SIMD8<Double>
    /// Rotation of each phasor over one slot.
    let slotSin: SIMD8<Double>, slotCos: SIMD8<Double>
    /// Rotation of each wave's phasor from one vector to the next (1/16 s, less in burst).
    let stepSin: SIMD4<Double>, stepCos: SIMD4<Double>
    static let noise = 0.02
    static let anchorSpacing = 1024

    /// Sines and cosines of the seven cycles at one slot.
    struct Phasors {
        var s: SIMD8<Double>
        var c: SIMD8<Double>
    }

    /// The phasors of the last slot written, so that the next one is a rotation away.
    struct Cursor {
        var slot = -2
        var phasors = Phasors(s: .zero, c: .zero)
    }

    init(context: SlotContext, seed: UInt64) {
        self.context = context
        // More than one packet a second is burst-rate data.
        mode = context.slots > DemoInstrument.mag.nominalPacketsPerDay ? 1 : 0
        // Phases depend on the seed only: the field is continuous from one day to the next.
        var random = DemoRandom(seed, 0x3A6)
        var phases = SIMD8<Double>.zero
        for i in 0..<7 { phases[i] = random.uniform() * 2 * .pi }
        for i in 0..<3 { phases[i] += 2 * .pi * 0.5 / periods[i] }
        self.phases = phases
        let slotSeconds = 86400 / Double(context.slots)
        var slotSin = SIMD8<Double>.zero, slotCos = SIMD8<Double>.zero
        for i in 0..<8 {
            let angle = cycle(slotSeconds, periods[i])
            slotSin[i] = sin(angle)
            slotCos[i] = cos(angle)
        }
        self.slotSin = slotSin
        self.slotCos = slotCos
        // The 16 vectors of a packet are 1/16 s apart at the nominal rate; burst-rate packets (more
        // than one a second) sample faster, their 16 vectors spread over the time to the next packet,
        // so that vectors never overlap in time (what recipes read with expand_samples'
        // spread_over_spacing).
        let vectorSeconds = min(1, slotSeconds) / 16
        var stepSin = SIMD4<Double>.zero, stepCos = SIMD4<Double>.zero
        for i in 0..<4 {
            stepSin[i] = sin(2 * .pi / periods[3 + i] * vectorSeconds)
            stepCos[i] = cos(2 * .pi / periods[3 + i] * vectorSeconds)
        }
        self.stepSin = stepSin
        self.stepCos = stepCos
    }

    /// Phasors at an anchor slot, from sines.
    func anchor(_ slot: Int) -> Phasors {
        let t = Double(context.midnightMET) + Double(slot) * (86400 / Double(context.slots))
        var z = Phasors(s: .zero, c: .zero)
        for i in 0..<8 {
            let angle = cycle(t, periods[i]) + phases[i]
            z.s[i] = sin(angle)
            z.c[i] = cos(angle)
        }
        return z
    }

    @inline(__always) func rotate(_ z: Phasors) -> Phasors {
        Phasors(s: z.s * slotCos + z.c * slotSin, c: z.c * slotCos - z.s * slotSin)
    }

    /// Phasors at any slot: its anchor's, rotated slot by slot.
    func phasors(_ slot: Int) -> Phasors {
        var current = slot - slot % Self.anchorSpacing
        var z = anchor(current)
        while current < slot {
            z = rotate(z)
            current += 1
        }
        return z
    }

    /// The background field in nT from the phasors: magnitude 5 +- 1.5 nT, azimuth turning in
    /// 11 h, elevation within +-0.35 rad (its sine and cosine by series: error below 2e-7).
    @inline(__always) func background(_ z: Phasors) -> SIMD3<Double> {
        let magnitude = 5 + 1.5 * z.s[0]
        let e = 0.35 * z.s[2], e2 = e * e
        let sinE = e * (1 - e2 / 6 * (1 - e2 / 20 * (1 - e2 / 42)))
        let cosE = 1 - e2 / 2 * (1 - e2 / 12 * (1 - e2 / 30))
        let horizontal = magnitude * cosE
        return SIMD3(horizontal * z.c[1], horizontal * z.s[1], magnitude * sinE)
    }

    func makeCursor() -> Cursor { Cursor() }

    func fill(slot: Int, at p: UnsafeMutableRawPointer, capture: Bool, cursor: inout Cursor) -> DemoSample? {
        let (coarse, fine, second) = context.writeHeaders(slot: slot, at: p)
        let range = context.schedule.magRange(at: Int(second))
        p.storeBytes(of: mode, toByteOffset: 12, as: UInt8.self)
        p.storeBytes(of: range, toByteOffset: 13, as: UInt8.self)
        p.storeBytes(of: UInt8(16), toByteOffset: 14, as: UInt8.self)
        let z = cursor.slot == slot - 1 && slot % Self.anchorSpacing != 0 ? rotate(cursor.phasors) : phasors(slot)
        cursor = Cursor(slot: slot, phasors: z)
        let b = background(z)
        let inverseScale = 1 / DemoMission.nanoteslaPerCount[Int(range)]
        let offsets = SIMD3<Double>(DemoMission.magnetometerOffsets[0], DemoMission.magnetometerOffsets[1],
                                    DemoMission.magnetometerOffsets[2])
        var s = SIMD4(z.s[3], z.s[4], z.s[5], z.s[6])
        var c = SIMD4(z.c[3], z.c[4], z.c[5], z.c[6])
        var random = context.random(slot)
        var counts: [[Int32]] = []
        var field: [[Double]] = []
        // Two vectors are 120 bits: 15 whole bytes, MSB-first.
        for pair in 0..<8 {
            var words: (UInt64, UInt64) = (0, 0)
            for half in 0..<2 {
                var v = b + SIMD3((ax * s).sum(), (ay * s).sum(), (az * s).sum())
                v += SIMD3(random.gaussian(), random.gaussian(), random.gaussian()) * Self.noise
                (s, c) = (s * stepCos + c * stepSin, c * stepCos - s * stepSin)
                let q = (v + offsets) * inverseScale
                let cx = Int32(max(-524_288, min(524_287, q.x.rounded(.toNearestOrEven))))
                let cy = Int32(max(-524_288, min(524_287, q.y.rounded(.toNearestOrEven))))
                let cz = Int32(max(-524_288, min(524_287, q.z.rounded(.toNearestOrEven))))
                // x, y, z as 20-bit two's complement fields of a 60-bit word.
                let word = UInt64(UInt32(bitPattern: cx) & 0xFFFFF) << 40 | UInt64(UInt32(bitPattern: cy) & 0xFFFFF) << 20
                    | UInt64(UInt32(bitPattern: cz) & 0xFFFFF)
                if half == 0 { words.0 = word } else { words.1 = word }
                if capture {
                    counts.append([cx, cy, cz])
                    field.append([v.x, v.y, v.z])
                }
            }
            let out = p + 15 + pair * 15
            out.storeBytes(of: (words.0 << 4 | words.1 >> 56).bigEndian, as: UInt64.self)
            out.storeBytes(of: UInt32(truncatingIfNeeded: words.1 >> 24).bigEndian, toByteOffset: 8, as: UInt32.self)
            out.storeBytes(of: UInt16(truncatingIfNeeded: words.1 >> 8).bigEndian, toByteOffset: 12, as: UInt16.self)
            out.storeBytes(of: UInt8(truncatingIfNeeded: words.1), toByteOffset: 14, as: UInt8.self)
        }
        guard capture else { return nil }
        var sample = context.sample(slot: slot, offset: 0, coarse: coarse, fine: fine)
        sample.mag = MagSample(mode: mode, range: range, vectorCount: 16, counts: counts, field: field)
        return sample
    }
}
