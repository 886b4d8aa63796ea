import Foundation

/// The spectrometer's sweep packets: solar-wind ions over 32 log-spaced energies. Protons form a
/// drifting Maxwellian in energy per charge (bulk speed 330-535 km/s varying over days and hours,
/// density falling as speed rises, temperature rising with it), alphas at twice the energy per
/// charge, a suprathermal tail and a background; counts are Poisson draws of rate x accumulation
/// time, compressed to codes by `SpecCompression`. SAFE: HV off, background only. CALIBRATION:
/// MODE 1, 60 ms steps, a pulser ramp doubling every 3 steps.
///
/// Cost per packet: about 100 exp/sqrt calls and 32 Poisson draws; no allocation.
struct SpecSource: PacketSource {
    let context: SlotContext
    let firstSweep: UInt16
    let q0: Double, q1: Double, q2: Double
    let energies = DemoMission.energies
    static let peakRate = 3.0e5

    init(context: SlotContext, seed: UInt64, day: DemoDate) {
        self.context = context
        firstSweep = UInt16(truncatingIfNeeded: (day.dayNumber - DemoMission.epochDayNumber) * 21600)
        var random = DemoRandom(seed, 0x5BEC)
        q0 = random.uniform() * 2 * .pi
        q1 = random.uniform() * 2 * .pi
        q2 = random.uniform() * 2 * .pi
    }

    /// Bulk speed (km/s), density (cm^-3) and temperature (eV) at MET `t`.
    func plasma(_ t: Double) -> (speed: Double, density: Double, temperature: Double) {
        let speed = 420 + 90 * sin(cycle(t, 3.1 * 86400) + q0) + 25 * sin(cycle(t, 26280) + q1)
        let density = 5 * (420 / speed) * (420 / speed) * (1 + 0.2 * sin(cycle(t, 19080) + q2))
        return (speed, density, 8 * (speed / 420) * (speed / 420))
    }

    /// Count rate (1/s) at energy `e` (eV) for the plasma.
    @inline(__always)
    static func rate(_ e: Double, speed: Double, density: Double, temperature: Double) -> Double {
        // Proton bulk energy: m_p v^2 / 2 with v in km/s.
        let bulk = 5.2203e-3 * speed * speed
        let scale = peakRate * density / 5
        let dp = e.squareRoot() - bulk.squareRoot()
        let protons = scale * (e / bulk) * (e / bulk) * exp(-dp * dp / temperature)
        let da = e.squareRoot() - (2 * bulk).squareRoot()
        let alphas = 0.04 * scale * (e / (2 * bulk)) * (e / (2 * bulk)) * exp(-da * da / (2 * temperature))
        // Suprathermal tail: falls as E^-3 above the bulk energy, vanishes as E^3 below it.
        let cube = (e / bulk) * (e / bulk) * (e / bulk)
        let tail = 400 * density / 5 * cube / (1 + cube * cube)
        return protons + alphas + tail + 0.5
    }

    func fill(slot: Int, at p: UnsafeMutableRawPointer, capture: Bool, cursor: inout Void) -> DemoSample? {
        let (coarse, fine, second) = context.writeHeaders(slot: slot, at: p)
        let payloadMode = context.schedule.mode(at: Int(second))
        let calibrating = payloadMode == .calibration
        let accumulation: UInt16 = calibrating ? 60 : 120
        let sweep = firstSweep &+ UInt16(truncatingIfNeeded: slot)
        p.storeBytes(of: UInt8(calibrating ? 1 : 0), toByteOffset: 12, as: UInt8.self)
        p.storeBytes(of: sweep.bigEndian, toByteOffset: 13, as: UInt16.self)
        p.storeBytes(of: accumulation.bigEndian, toByteOffset: 15, as: UInt16.self)
        let seconds = Double(accumulation) / 1000
        let plasma = plasma(Double(context.midnightMET) + second)
        var random = context.random(slot)
        var counts: [UInt32] = []
        var codes: [UInt8] = []
        for step in 0..<DemoMission.energySteps {
            let rate: Double
            switch payloadMode {
            case .science: rate = Self.rate(energies[step], speed: plasma.speed, density: plasma.density, temperature: plasma.temperature)
            case .safe: rate = 0.5
            case .calibration: rate = 2000 * exp2(Double(step) / 3)
            }
            let measured = random.poisson(rate * seconds)
            let code = SpecCompression.compress(measured)
            p.storeBytes(of: code, toByteOffset: 17 + step, as: UInt8.self)
            if capture {
                counts.append(measured)
                codes.append(code)
            }
        }
        guard capture else { return nil }
        var sample = context.sample(slot: slot, offset: 0, coarse: coarse, fine: fine)
        sample.spec = SpecSample(mode: calibrating ? 1 : 0, sweep: sweep, accumulationMilliseconds: accumulation,
                                 codes: codes, counts: counts)
        return sample
    }
}
