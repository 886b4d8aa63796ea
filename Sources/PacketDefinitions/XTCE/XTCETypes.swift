// XTCE parameter types and their data encodings.

extension XTCEBuilder {
    func buildType(_ d: XTCESymbolTable.Declaration, id: ParameterTypeID) throws(DefinitionError) -> ParameterType {
        let e = d.element
        let context = "parameter type '\(d.name)'"
        let units = (e.xtceChild("UnitSet")?.xtceChildren("Unit") ?? []).map(\.trimmedText).filter { !$0.isEmpty }
        var encoding = try dataEncoding(of: e, system: d.system, context: context)
        let kind: ParameterTypeKind
        switch e.localName {
        case "IntegerParameterType":
            let size = try reader.int(e, "sizeInBits", default: 32)
            guard (1...64).contains(size) else {
                throw reader.error(e, .invalidSize("\(context) has sizeInBits=\(size) (must be 1 to 64)"))
            }
            kind = .integer(signed: try reader.bool(e, "signed", default: true), sizeInBits: size)
        case "FloatParameterType":
            let size = try reader.int(e, "sizeInBits", default: 32)
            guard size == 32 || size == 64 else {
                throw reader.error(e, .invalidSize("\(context) has sizeInBits=\(size) (must be 32 or 64)"))
            }
            kind = .float(sizeInBits: size)
        case "EnumeratedParameterType":
            var entries: [EnumerationEntry] = []
            for en in e.xtceChild("EnumerationList")?.xtceChildren("Enumeration") ?? [] {
                let valueText = try reader.required(en, "value")
                guard let value = parseXTCEInteger(valueText) else {
                    throw reader.invalid(en, "enumeration value '\(valueText)' of \(context) is not an integer")
                }
                var maxValue: Int64?
                if let m = en.attribute("maxValue") {
                    guard let v = parseXTCEInteger(m), v >= value else {
                        throw reader.invalid(en, "enumeration maxValue '\(m)' of \(context) is not an integer >= value")
                    }
                    maxValue = v
                }
                entries.append(EnumerationEntry(value: value, maxValue: maxValue, label: try reader.required(en, "label"),
                                                shortDescription: en.attribute("shortDescription")))
            }
            kind = .enumerated(entries)
        case "BooleanParameterType":
            kind = .boolean(oneStringValue: e.attribute("oneStringValue") ?? "True",
                            zeroStringValue: e.attribute("zeroStringValue") ?? "False")
        case "BinaryParameterType":
            kind = .binary
        case "StringParameterType":
            kind = .string
        case "AbsoluteTimeParameterType", "RelativeTimeParameterType":
            let absolute = e.localName == "AbsoluteTimeParameterType"
            var info = TimeTypeInfo()
            if let enc = e.xtceChild("Encoding") {
                info.units = enc.attribute("units") ?? "seconds"
                info.scale = try reader.double(enc, "scale", default: 1)
                info.offset = try reader.double(enc, "offset", default: 0)
                encoding = try dataEncoding(of: enc, system: d.system, context: context)
            }
            if absolute, let ref = e.xtceChild("ReferenceTime") {
                if let ep = ref.xtceChild("Epoch") {
                    switch ep.trimmedText {
                    case "TAI": info.epoch = .tai
                    case "J2000": info.epoch = .j2000
                    case "UNIX", "POSIX": info.epoch = .unix
                    case "GPS": info.epoch = .gps
                    case let s where s.first?.isNumber == true: info.epoch = .date(s)
                    case let s: throw reader.invalid(ep, "unknown epoch '\(s)' of \(context)")
                    }
                } else if let of = ref.xtceChild("OffsetFrom") {
                    info.offsetFrom = try instanceRef(of, system: d.system, context: context)
                }
            }
            kind = absolute ? .absoluteTime(info) : .relativeTime(info)
        case "ArrayParameterType":
            let element = try typeID(try reader.required(e, "arrayTypeRef"), from: d.system, at: e, referencedBy: context)
            var dims: [ArrayDimension] = []
            if let list = e.xtceChild("DimensionList") { dims = try dimensions(list, system: d.system, context: context) }
            let n = try reader.int(e, "numberOfDimensions", default: dims.count)
            guard n >= 1, dims.isEmpty || dims.count == n else {
                throw reader.invalid(e, "\(context) has numberOfDimensions=\(n) but \(dims.count) dimensions")
            }
            kind = .array(ArrayTypeInfo(elementType: element, numberOfDimensions: n, dimensions: dims))
        case "AggregateParameterType":
            var members: [AggregateMember] = []
            for m in e.xtceChild("MemberList")?.xtceChildren("Member") ?? [] {
                let name = try reader.required(m, "name")
                if members.contains(where: { $0.name == name }) {
                    throw reader.error(m, .duplicateName(kind: "aggregate member", name: name, firstLine: e.line))
                }
                let t = try typeID(try reader.required(m, "typeRef"), from: d.system, at: m,
                                   referencedBy: "member '\(name)' of \(context)")
                members.append(AggregateMember(name: name, type: t, shortDescription: m.attribute("shortDescription")))
            }
            if members.isEmpty { throw reader.invalid(e, "\(context) has no members") }
            kind = .aggregate(members)
        default:
            throw reader.error(e, .unsupported("parameter type element <\(e.localName)>"))
        }
        return ParameterType(id: id, name: d.name, qualifiedName: d.qualifiedName,
                             shortDescription: shortDescription(e), longDescription: longDescription(e),
                             units: units, kind: kind, encoding: encoding, source: reader.location(e))
    }

    /// The `*DataEncoding` child of `e`, if any.
    private func dataEncoding(of e: XMLElement, system: [String], context: String) throws(DefinitionError) -> DataEncoding? {
        for c in e.xtceElements {
            switch c.localName {
            case "IntegerDataEncoding": return .integer(try integerEncoding(c, system: system, context: context))
            case "FloatDataEncoding": return .float(try floatEncoding(c, system: system, context: context))
            case "BinaryDataEncoding": return .binary(try binaryEncoding(c, system: system, context: context))
            case "StringDataEncoding": return .string(try stringEncoding(c, system: system, context: context))
            default: continue
            }
        }
        return nil
    }

    private func byteOrder(_ e: XMLElement, context: String) throws(DefinitionError) -> ByteOrder {
        if let list = e.xtceChild("ByteOrderList") {
            throw reader.error(list, .unsupported("ByteOrderList in \(context) (use the byteOrder attribute)"))
        }
        guard let text = e.attribute("byteOrder") else { return .mostSignificantByteFirst }
        guard let order = ByteOrder(rawValue: text.trimmingASCIIWhitespace()) else {
            throw reader.invalid(e, "unknown byteOrder '\(text)' in \(context)")
        }
        return order
    }

    private func integerEncoding(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> IntegerEncoding {
        let size = try reader.int(e, "sizeInBits", default: 8)
        guard (1...64).contains(size) else {
            throw reader.error(e, .invalidSize("integer encoding of \(context) has sizeInBits=\(size) (must be 1 to 64)"))
        }
        let schemeText = e.attribute("encoding") ?? "unsigned"
        let scheme: IntegerScheme
        switch schemeText {
        case "unsigned": scheme = .unsigned
        case "twosComplement", "twosCompliment", "signed": scheme = .twosComplement
        case "onesComplement", "onesCompliment": scheme = .onesComplement
        case "signMagnitude": scheme = .signMagnitude
        case "BCD": scheme = .bcd
        case "packedBCD": scheme = .packedBCD
        default: throw reader.error(e, .unsupported("integer encoding '\(schemeText)' in \(context)"))
        }
        if scheme == .bcd || scheme == .packedBCD, size % 4 != 0 {
            throw reader.error(e, .invalidSize("\(schemeText) encoding of \(context) has sizeInBits=\(size) (must be a multiple of 4)"))
        }
        if let s = e.xtceChild("StringDataEncoding") {
            throw reader.error(s, .unsupported("integer encoded as a string in \(context)"))
        }
        let (def, ctx) = try calibrators(of: e, system: system, context: context)
        return IntegerEncoding(sizeInBits: size, scheme: scheme, byteOrder: try byteOrder(e, context: context),
                               defaultCalibrator: def, contextCalibrators: ctx)
    }

    private func floatEncoding(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> FloatEncoding {
        let format = e.attribute("encoding") ?? "IEEE754_1985"
        switch format {
        case "IEEE754_1985", "IEEE754", "IEEE-754": break
        case "MILSTD_1750A": throw reader.error(e, .unsupported("MIL-STD-1750A float encoding in \(context)"))
        default: throw reader.error(e, .unsupported("float encoding '\(format)' in \(context)"))
        }
        let size = try reader.int(e, "sizeInBits", default: 32)
        guard size == 32 || size == 64 else {
            throw reader.error(e, .invalidSize("float encoding of \(context) has sizeInBits=\(size) (must be 32 or 64)"))
        }
        let (def, ctx) = try calibrators(of: e, system: system, context: context)
        return FloatEncoding(sizeInBits: size, byteOrder: try byteOrder(e, context: context),
                             defaultCalibrator: def, contextCalibrators: ctx)
    }

    private func binaryEncoding(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> BinaryEncoding {
        let sizeElement = try reader.requiredChild(e, "SizeInBits", context: context)
        let size = try integerValue(sizeElement, system: system, context: context)
        if case .fixed(let n) = size, n <= 0 {
            throw reader.error(sizeElement, .invalidSize("binary encoding of \(context) has size \(n) bits"))
        }
        return BinaryEncoding(sizeInBits: size)
    }

    private func stringEncoding(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> StringEncoding {
        let charset = e.attribute("encoding") ?? "UTF-8"
        var buffer: StringBuffer
        var holder: XMLElement
        var maxSize: Int?
        if let s = e.xtceChild("SizeInBits") {
            holder = s
            switch try integerValue(s, system: system, context: context) {
            case .fixed(let n):
                guard n > 0, n % 8 == 0 else {
                    throw reader.error(s, .invalidSize("string of \(context) has size \(n) bits (must be a positive multiple of 8)"))
                }
                buffer = .fixed(Int(n))
            case .dynamic(let dv):
                buffer = .dynamic(dv)
            }
        } else if let v = e.xtceChild("Variable") {
            holder = v
            maxSize = try reader.int(v, "maxSizeInBits")
            if let dv = v.xtceChild("DynamicValue") {
                let name = dv.xtceChild("ParameterInstanceRef")?.attribute("parameterRef")
                // Yamcs' convention for "no buffer size": a reference to `_yamcs_ignore`.
                buffer = name == "_yamcs_ignore" ? .variable : .dynamic(try dynamicValue(dv, system: system, context: context))
            } else if let u = v.xtceChild("DiscreteLookupList") {
                throw reader.error(u, .unsupported("DiscreteLookupList in \(context)"))
            } else {
                buffer = .variable
            }
        } else {
            throw reader.invalid(e, "StringDataEncoding of \(context) needs <SizeInBits> or <Variable>")
        }
        var content = StringContent.wholeBuffer
        if let t = holder.xtceChild("TerminationChar") {
            content = .terminated(terminator: try reader.hexBytes(t, t.text, what: "TerminationChar"))
        } else if let l = holder.xtceChild("LeadingSize") {
            let tag = try reader.int(l, "sizeInBitsOfSizeTag", default: 16)
            guard (1...64).contains(tag) else {
                throw reader.error(l, .invalidSize("LeadingSize of \(context) has sizeInBitsOfSizeTag=\(tag) (must be 1 to 64)"))
            }
            content = .leadingSize(sizeTagBits: tag)
        }
        if buffer == .variable && content == .wholeBuffer {
            throw reader.invalid(holder, "string of \(context) has no size: give a buffer size, a TerminationChar or a LeadingSize")
        }
        return StringEncoding(charset: charset, buffer: buffer, content: content, maxSizeInBits: maxSize)
    }
}
