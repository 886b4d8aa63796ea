// XTCE building blocks shared by types and containers: integer values, dimensions, match criteria, calibrators.

extension XTCEBuilder {
    /// `ParameterInstanceRef`-like element (also `Comparison`): `parameterRef`, `instance`, `useCalibratedValue`.
    func instanceRef(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> ParameterInstanceRef {
        let ref = try reader.required(e, "parameterRef")
        return ParameterInstanceRef(parameter: try parameterID(ref, from: system, at: e, referencedBy: context),
                                    name: ref, instance: try reader.int(e, "instance", default: 0),
                                    useCalibratedValue: try reader.bool(e, "useCalibratedValue", default: true))
    }

    /// `DynamicValue`: `ParameterInstanceRef` and optional `LinearAdjustment`.
    func dynamicValue(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> DynamicValue {
        let refElement = try reader.requiredChild(e, "ParameterInstanceRef", context: context)
        let ref = try instanceRef(refElement, system: system, context: context)
        var slope = 1.0, intercept = 0.0
        if let adj = e.xtceChild("LinearAdjustment") {
            slope = try reader.double(adj, "slope", default: 1)
            intercept = try reader.double(adj, "intercept", default: 0)
        }
        return DynamicValue(reference: ref, slope: slope, intercept: intercept)
    }

    /// An XTCE `IntegerValueType` held by `e`: a `FixedValue` or `DynamicValue` child (XTCE 1.1's
    /// `Fixed/FixedValue` wrapper accepted too).
    func integerValue(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> IntegerValue {
        if let f = e.xtceChild("FixedValue") ?? e.xtceChild("Fixed")?.xtceChild("FixedValue") {
            return .fixed(try reader.int64Text(f))
        }
        if let d = e.xtceChild("DynamicValue") {
            return .dynamic(try dynamicValue(d, system: system, context: context))
        }
        if let u = e.xtceChild("DiscreteLookupList") {
            throw reader.error(u, .unsupported("DiscreteLookupList in \(context)"))
        }
        throw reader.invalid(e, "<\(e.localName)> in \(context) needs a <FixedValue> or <DynamicValue>")
    }

    /// `DimensionList` of `Dimension(StartingIndex, EndingIndex)`.
    func dimensions(_ list: XMLElement, system: [String], context: String) throws(DefinitionError) -> [ArrayDimension] {
        var dims: [ArrayDimension] = []
        for d in list.xtceChildren("Dimension") {
            let start = try integerValue(try reader.requiredChild(d, "StartingIndex", context: context), system: system, context: context)
            let end = try integerValue(try reader.requiredChild(d, "EndingIndex", context: context), system: system, context: context)
            let dim = ArrayDimension(startingIndex: start, endingIndex: end)
            if let s = start.fixedValue, s < 0 {
                throw reader.error(d, .invalidSize("array dimension of \(context) starts at negative index \(s)"))
            }
            if let s = start.fixedValue, let e = end.fixedValue {
                guard let n = dim.fixedCount, n > 0 else {
                    throw reader.error(d, .invalidSize("array dimension of \(context) runs from \(s) to \(e)"))
                }
            }
            dims.append(dim)
        }
        if dims.isEmpty { throw reader.invalid(list, "empty DimensionList in \(context)") }
        return dims
    }

    // MARK: - Match criteria

    /// The criteria held by a wrapper (`RestrictionCriteria`, `IncludeCondition`, `ContextMatch`).
    func matchCriteria(in wrapper: XMLElement, system: [String], context: String) throws(DefinitionError) -> MatchCriteria {
        let parts = wrapper.xtceElements
        guard parts.count == 1, let e = parts.first else {
            throw reader.invalid(wrapper, "<\(wrapper.localName)> of \(context) must hold exactly one of "
                + "<Comparison>, <ComparisonList>, <BooleanExpression>")
        }
        switch e.localName {
        case "Comparison":
            return .comparison(try comparison(e, system: system, context: context))
        case "ComparisonList":
            var items: [MatchCriteria] = []
            for c in e.xtceChildren("Comparison") { items.append(.comparison(try comparison(c, system: system, context: context))) }
            if items.isEmpty { throw reader.invalid(e, "empty <ComparisonList> in \(context)") }
            return .all(items)
        case "BooleanExpression":
            let inner = e.xtceElements
            guard inner.count == 1 else {
                throw reader.invalid(e, "<BooleanExpression> of \(context) must hold exactly one of "
                    + "<Condition>, <ANDedConditions>, <ORedConditions>")
            }
            return try booleanTerm(inner[0], system: system, context: context)
        default:
            throw reader.error(e, .unsupported("<\(e.localName)> in \(context)"))
        }
    }

    private func comparison(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> Comparison {
        let opText = e.attribute("comparisonOperator") ?? "=="
        guard let op = ComparisonOperator(xtce: opText) else {
            throw reader.invalid(e, "unknown comparison operator '\(opText)' in \(context)")
        }
        return Comparison(parameter: try instanceRef(e, system: system, context: context), comparisonOperator: op,
                          operand: .value(try reader.required(e, "value")))
    }

    private func booleanTerm(_ e: XMLElement, system: [String], context: String) throws(DefinitionError) -> MatchCriteria {
        switch e.localName {
        case "Condition":
            let refs = e.xtceChildren("ParameterInstanceRef")
            guard let lhsElement = refs.first else {
                throw reader.invalid(e, "<Condition> of \(context) needs a <ParameterInstanceRef>")
            }
            let lhs = try instanceRef(lhsElement, system: system, context: context)
            let opElement = try reader.requiredChild(e, "ComparisonOperator", context: context)
            guard let op = ComparisonOperator(xtce: opElement.text) else {
                throw reader.invalid(opElement, "unknown comparison operator '\(opElement.trimmedText)' in \(context)")
            }
            let operand: ComparisonOperand
            if refs.count >= 2 {
                operand = .parameter(try instanceRef(refs[1], system: system, context: context))
            } else if let v = e.xtceChild("Value") {
                operand = .value(v.trimmedText)
            } else {
                throw reader.invalid(e, "<Condition> of \(context) needs a <Value> or a second <ParameterInstanceRef>")
            }
            return .comparison(Comparison(parameter: lhs, comparisonOperator: op, operand: operand))
        case "ANDedConditions", "ORedConditions":
            var items: [MatchCriteria] = []
            for c in e.xtceElements { items.append(try booleanTerm(c, system: system, context: context)) }
            if items.isEmpty { throw reader.invalid(e, "empty <\(e.localName)> in \(context)") }
            return e.localName == "ANDedConditions" ? .all(items) : .any(items)
        default:
            throw reader.invalid(e, "unexpected <\(e.localName)> in boolean expression of \(context)")
        }
    }

    // MARK: - Calibrators

    /// The calibrator held by a wrapper (`DefaultCalibrator`, `Calibrator`).
    func calibrator(in wrapper: XMLElement, context: String) throws(DefinitionError) -> Calibrator {
        let parts = wrapper.xtceElements.filter { $0.localName != "AncillaryDataSet" }
        guard parts.count == 1, let e = parts.first else {
            throw reader.invalid(wrapper, "<\(wrapper.localName)> of \(context) must hold exactly one calibrator")
        }
        switch e.localName {
        case "PolynomialCalibrator":
            var coefficients: [Double] = []
            for term in e.xtceChildren("Term") {
                let c = try reader.double(term, "coefficient")
                let x = try reader.double(term, "exponent")
                guard x >= 0, x.rounded() == x, x <= 64 else {
                    throw reader.invalid(term, "polynomial exponent '\(term.attribute("exponent") ?? "")' of \(context) "
                        + "is not an integer from 0 to 64")
                }
                let k = Int(x)
                if coefficients.count <= k { coefficients += Array(repeating: 0, count: k + 1 - coefficients.count) }
                coefficients[k] += c
            }
            if coefficients.isEmpty { throw reader.invalid(e, "<PolynomialCalibrator> of \(context) has no <Term>") }
            return .polynomial(PolynomialCalibrator(coefficients: coefficients))
        case "SplineCalibrator":
            let order = try reader.int(e, "order", default: 1)
            guard order == 0 || order == 1 else {
                throw reader.error(e, .unsupported("spline order \(order) in \(context) (only 0 and 1 are supported)"))
            }
            var points: [SplinePoint] = []
            for p in e.xtceChildren("SplinePoint") {
                points.append(SplinePoint(raw: try reader.double(p, "raw"), calibrated: try reader.double(p, "calibrated")))
            }
            guard points.count >= 2 else { throw reader.invalid(e, "<SplineCalibrator> of \(context) needs at least 2 points") }
            for k in 1..<points.count where points[k].raw <= points[k - 1].raw {
                throw reader.invalid(e, "spline points of \(context) must have strictly increasing raw values")
            }
            return .spline(SplineCalibrator(order: order, extrapolate: try reader.bool(e, "extrapolate", default: false),
                                            points: points))
        default:
            throw reader.error(e, .unsupported("<\(e.localName)> in \(context)"))
        }
    }

    /// Default and context calibrators of a numeric encoding element.
    func calibrators(of encoding: XMLElement, system: [String], context: String) throws(DefinitionError)
        -> (Calibrator?, [ContextCalibrator]) {
        var defaultCalibrator: Calibrator?
        if let d = encoding.xtceChild("DefaultCalibrator") {
            defaultCalibrator = try calibrator(in: d, context: context)
        }
        var contextual: [ContextCalibrator] = []
        if let list = encoding.xtceChild("ContextCalibratorList") {
            for cc in list.xtceChildren("ContextCalibrator") {
                let match = try matchCriteria(in: try reader.requiredChild(cc, "ContextMatch", context: context),
                                              system: system, context: "context calibrator of \(context)")
                let cal = try calibrator(in: try reader.requiredChild(cc, "Calibrator", context: context), context: context)
                contextual.append(ContextCalibrator(match: match, calibrator: cal))
            }
        }
        return (defaultCalibrator, contextual)
    }
}
