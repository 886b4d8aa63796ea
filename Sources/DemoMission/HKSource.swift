import Foundation

/// The housekeeping packets: temperatures swinging with a 6-hour orbit-like period on a 27-day
/// drift (the spectrometer's lagging by 20 min and cooling in SAFE), a 28 V bus with noise, the
/// bus current following the mode, HV on in SCIENCE only.
///
/// Cost per packet: about 8 sines and 4 noise draws; no allocation.
struct HKSource: PacketSource {
    let context: SlotContext
    let h0: Double, h1: Double

    init(context: SlotContext, seed: UInt64) {
        self.context = context
        var random = DemoRandom(seed, 0x4B)
        h0 = random.uniform() * 2 * .pi
        h1 = random.uniform() * 2 * .pi
    }

    /// Model values (degC, degC, V, A) at MET `t` in `mode`, before noise.
    func values(_ t: Double, mode: DaySchedule.Mode) -> (magTemp: Double, specTemp: Double, volts: Double, amperes: Double) {
        let drift = 0.8 * sin(cycle(t, 27 * 86400) + h0)
        let orbit = cycle(t, 21600) + h1
        let magTemp = 18 + drift + 4 * sin(orbit)
        let specTemp = 24 + drift + 3 * sin(cycle(t - 1200, 21600) + h1) - (mode == .safe ? 1.5 : 0)
        let volts = 28 + 0.04 * sin(orbit + 1)
        let base = switch mode {
        case .safe: 0.85
        case .science: 1.45
        case .calibration: 1.62
        }
        return (magTemp, specTemp, volts, base + 0.03 * sin(orbit))
    }

    @inline(__always) static func raw(_ value: Double) -> UInt16 { UInt16(max(0, min(65535, value.rounded()))) }

    func fill(slot: Int, at p: UnsafeMutableRawPointer, capture: Bool, cursor: inout Void) -> DemoSample? {
        let (coarse, fine, second) = context.writeHeaders(slot: slot, at: p)
        let mode = context.schedule.mode(at: Int(second))
        var random = context.random(slot)
        let model = values(Double(context.midnightMET) + second, mode: mode)
        let magTemp = model.magTemp + 0.03 * random.gaussian()
        let specTemp = model.specTemp + 0.03 * random.gaussian()
        let volts = model.volts + 0.01 * random.gaussian()
        let amperes = model.amperes + 0.004 * random.gaussian()
        let raw = (Self.raw((magTemp + 50) / 0.01), Self.raw((specTemp + 50) / 0.01), Self.raw(volts / 0.001), Self.raw(amperes / 0.0001))
        let hv: UInt8 = mode == .science ? 1 : 0
        p.storeBytes(of: mode.rawValue, toByteOffset: 12, as: UInt8.self)
        p.storeBytes(of: raw.0.bigEndian, toByteOffset: 13, as: UInt16.self)
        p.storeBytes(of: raw.1.bigEndian, toByteOffset: 15, as: UInt16.self)
        p.storeBytes(of: raw.2.bigEndian, toByteOffset: 17, as: UInt16.self)
        p.storeBytes(of: raw.3.bigEndian, toByteOffset: 19, as: UInt16.self)
        p.storeBytes(of: hv << 7, toByteOffset: 21, as: UInt8.self)
        guard capture else { return nil }
        var sample = context.sample(slot: slot, offset: 0, coarse: coarse, fine: fine)
        sample.hk = HKSample(mode: mode.rawValue, magTemp: raw.0, specTemp: raw.1, busVoltage: raw.2, busCurrent: raw.3,
                             hvState: hv, spare: 0, magTempCelsius: magTemp, specTempCelsius: specTemp, volts: volts,
                             amperes: amperes)
        return sample
    }
}
