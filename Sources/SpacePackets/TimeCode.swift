/// A CCSDS time code (CCSDS 301.0-B-4) carried in packets, and how to find and read it.
///
/// CUC (unsegmented): `coarseOctets` (1-4) of whole seconds then `fineOctets` (0-3) of binary
/// fractions. CDS (day segmented): a 16- or 24-bit day count, 32-bit milliseconds of day, and an
/// optional 16-bit microsecond or 32-bit picosecond field. With `hasPField`, a P-field precedes the
/// T-field in the packet and describes it; its description is used (and checked to be of the
/// configured kind). Every code decodes to `SpacecraftTime`: seconds and attoseconds since `epoch`.
///
/// Cost: a handful of loads; nothing allocated.
public struct TimeCode: Sendable, Hashable {
    public enum Format: Sendable, Hashable {
        case cuc(coarseOctets: Int, fineOctets: Int)
        case cds(dayBits: Int, subMillisecondBits: Int)
    }

    public var format: Format
    public var hasPField: Bool
    /// Where the code starts, counted from the first byte of the packet (6: right after the
    /// primary header, where secondary headers start).
    public var byteOffset: Int
    public var epoch: TimeEpoch

    public init(format: Format, hasPField: Bool = false, byteOffset: Int = 6, epoch: TimeEpoch = .ccsds) throws(SpacePacketError) {
        switch format {
        case let .cuc(coarse, fine):
            guard (1...4).contains(coarse), (0...3).contains(fine) else {
                throw .invalidTimeCode(spec: "\(format)", reason: "CUC needs 1-4 coarse and 0-3 fine octets")
            }
        case let .cds(day, sub):
            guard day == 16 || day == 24, [0, 16, 32].contains(sub) else {
                throw .invalidTimeCode(spec: "\(format)", reason: "CDS needs a 16 or 24-bit day and 0, 16 or 32 sub-millisecond bits")
            }
        }
        guard byteOffset >= 0 else { throw .invalidTimeCode(spec: "\(format)", reason: "negative byte offset") }
        self.format = format
        self.hasPField = hasPField
        self.byteOffset = byteOffset
        self.epoch = epoch
    }

    /// Parses the command-line form: `cuc:C.F` or `cds:D.S`, then optional comma-separated
    /// `pfield`, `offset=N`, `epoch=YYYY-MM-DD` (default: the CCSDS epoch 1958-01-01).
    /// Examples: `cuc:4.2`, `cuc:4.0,epoch=2010-01-01`, `cds:16.16,pfield,offset=10`.
    public init(parsing spec: String) throws(SpacePacketError) {
        let parts = spec.split(separator: ",").map(String.init)
        guard let head = parts.first else { throw .invalidTimeCode(spec: spec, reason: "empty") }
        let kindAndSizes = head.split(separator: ":")
        guard kindAndSizes.count == 2 else {
            throw .invalidTimeCode(spec: spec, reason: "expected cuc:COARSE.FINE or cds:DAYBITS.SUBMSBITS")
        }
        let sizes = kindAndSizes[1].split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard sizes.count == 2, let a = sizes[0], let b = sizes[1] else {
            throw .invalidTimeCode(spec: spec, reason: "sizes must be two integers separated by '.'")
        }
        let format: Format
        switch kindAndSizes[0].lowercased() {
        case "cuc": format = .cuc(coarseOctets: a, fineOctets: b)
        case "cds": format = .cds(dayBits: a, subMillisecondBits: b)
        default: throw .invalidTimeCode(spec: spec, reason: "unknown kind '\(kindAndSizes[0])' (cuc or cds)")
        }
        var pField = false
        var offset = 6
        var epoch = TimeEpoch.ccsds
        for option in parts.dropFirst() {
            if option == "pfield" {
                pField = true
            } else if option.hasPrefix("offset="), let value = Int(option.dropFirst(7)) {
                offset = value
            } else if option.hasPrefix("epoch=") {
                guard let parsed = TimeEpoch(isoDate: String(option.dropFirst(6))) else {
                    throw .invalidTimeCode(spec: spec, reason: "epoch must be YYYY-MM-DD")
                }
                epoch = parsed
            } else {
                throw .invalidTimeCode(spec: spec, reason: "unknown option '\(option)'")
            }
        }
        try self.init(format: format, hasPField: pField, byteOffset: offset, epoch: epoch)
    }

    /// Bytes the code occupies in the packet (P-field included), for the configured format.
    public var byteCount: Int {
        let p = hasPField ? 1 : 0
        switch format {
        case let .cuc(coarse, fine): return p + coarse + fine
        case let .cds(day, sub): return p + day / 8 + 4 + sub / 8
        }
    }

    /// Decodes the time code of the packet starting at `packetOffset`, or nil when the packet has
    /// no secondary header (its flag is clear), is too short, or its P-field does not describe a
    /// code of the configured kind.
    public func decode(_ bytes: UnsafeRawBufferPointer, packetOffset: Int, packetLength: Int) -> SpacecraftTime? {
        guard packetOffset >= 0, packetOffset < bytes.count, bytes[packetOffset] & 0x08 != 0 else { return nil }
        var offset = packetOffset + byteOffset
        let end = packetOffset + min(packetLength, bytes.count - packetOffset)
        var format = self.format
        if hasPField {
            guard offset < end else { return nil }
            let p1 = bytes[offset]
            offset += 1
            let id = (p1 >> 4) & 7
            switch (format, id) {
            case (.cuc, 1), (.cuc, 2):
                var coarse = Int((p1 >> 2) & 3) + 1
                var fine = Int(p1 & 3)
                if p1 & 0x80 != 0 {
                    guard offset < end else { return nil }
                    let p2 = bytes[offset]
                    offset += 1
                    coarse += Int((p2 >> 5) & 3)
                    fine += Int((p2 >> 2) & 7)
                }
                guard coarse <= 7, fine <= 7 else { return nil }
                format = .cuc(coarseOctets: coarse, fineOctets: fine)
            case (.cds, 4):
                let sub = [0, 16, 32, 0][Int(p1 & 3)]
                guard p1 & 3 != 3 else { return nil }
                format = .cds(dayBits: (p1 & 4) != 0 ? 24 : 16, subMillisecondBits: sub)
            default:
                return nil
            }
        }
        switch format {
        case let .cuc(coarse, fine):
            guard offset + coarse + fine <= end, coarse <= 7, fine <= 7 else { return nil }
            let seconds = readUnsigned(bytes, offset, coarse)
            let fraction = readUnsigned(bytes, offset + coarse, fine)
            guard seconds <= UInt64(Int64.max) else { return nil }
            // fraction / 256^fine seconds, in attoseconds, exact for fine <= 3 (and close beyond).
            let atto: Int64
            if fine == 0 {
                atto = 0
            } else if fine <= 3 {
                // fraction * 10^18 / 2^(8 fine) in 128 bits: exact, truncated toward zero.
                let shift = UInt64(8 * fine)
                let (high, low) = fraction.multipliedFullWidth(by: 1_000_000_000_000_000_000)
                atto = Int64((high << (64 - shift)) | (low >> shift))
            } else {
                atto = Int64(Double(fraction) / Double(sign: .plus, exponent: 8 * fine, significand: 1) * 1e18)
            }
            return SpacecraftTime(epoch: epoch, seconds: Int64(seconds), attoseconds: atto)
        case let .cds(day, sub):
            let dayBytes = day / 8
            guard offset + dayBytes + 4 + sub / 8 <= end else { return nil }
            let days = Int64(readUnsigned(bytes, offset, dayBytes))
            let milliseconds = Int64(readUnsigned(bytes, offset + dayBytes, 4))
            let fraction = Int64(readUnsigned(bytes, offset + dayBytes + 4, sub / 8))
            guard milliseconds < 86_401_000 else { return nil }
            var atto = (milliseconds % 1000) * 1_000_000_000_000_000
            if sub == 16 {
                guard fraction < 1000 else { return nil }
                atto += fraction * 1_000_000_000_000
            } else if sub == 32 {
                guard fraction < 1_000_000_000 else { return nil }
                atto += fraction * 1_000_000
            }
            return SpacecraftTime(epoch: epoch, seconds: days * 86_400 + milliseconds / 1000, attoseconds: atto)
        }
    }

    private func readUnsigned(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<count { value = value << 8 | UInt64(bytes[offset + i]) }
        return value
    }
}

/// The epoch of a time code: a calendar day at 00:00:00 in the code's own time scale.
public struct TimeEpoch: Sendable, Hashable, Codable {
    public var year: Int
    public var month: Int
    public var day: Int

    /// 1958-01-01 (TAI), the CCSDS level-1 epoch.
    public static let ccsds = TimeEpoch(year: 1958, month: 1, day: 1)

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(isoDate: String) {
        let fields = isoDate.split(separator: "-").map { Int($0) }
        guard fields.count == 3, let y = fields[0], let m = fields[1], let d = fields[2],
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days from 1970-01-01 to this date in the proleptic Gregorian calendar.
    public var daysSince1970: Int64 { Int64(CivilCalendar.dayNumber(year: year, month: month, day: day)) }
}

/// A time read from a packet: whole seconds and attoseconds since an epoch, in the time scale of
/// the epoch (no leap seconds applied: that is the product layer's business).
public struct SpacecraftTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var epoch: TimeEpoch
    public var seconds: Int64
    public var attoseconds: Int64

    public init(epoch: TimeEpoch, seconds: Int64, attoseconds: Int64) {
        self.epoch = epoch
        self.seconds = seconds
        self.attoseconds = attoseconds
    }

    /// Seconds since the epoch as a Double (loses precision below ~1 µs for large values).
    public var secondsSinceEpoch: Double { Double(seconds) + Double(attoseconds) * 1e-18 }

    public static func < (a: SpacecraftTime, b: SpacecraftTime) -> Bool {
        (a.seconds, a.attoseconds) < (b.seconds, b.attoseconds)
    }

    /// ISO 8601, counting days of 86,400 s from the epoch, to the microsecond.
    public var description: String {
        let days = epoch.daysSince1970 + (seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = seconds - (seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400) * 86_400
        let (y, m, d) = Self.civil(fromDaysSince1970: days)
        let micro = attoseconds / 1_000_000_000_000
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(micro, 6))"
    }

    static func civil(fromDaysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let d = CivilCalendar.date(dayNumber: Int(days))
        return (Int64(d.year), Int64(d.month), Int64(d.day))
    }
}
