/// The standard steps recipes can name (see README.md in this folder for every parameter).
///
/// Costs: a dictionary of closures built once; each factory reads its parameters (and any table or
/// definition file) when the mission is loaded.
public extension AlgorithmLibrary {
    static let standard: AlgorithmLibrary = {
        var library = AlgorithmLibrary()
        library.register(EpochStep.name) { p, _ throws(ConfigurationError) in try EpochStep(p) }
        library.register(UnpackStep.name) { p, _ throws(ConfigurationError) in try UnpackStep(p) }
        library.register(XTCECalibrateStep.name) { p, dir throws(ConfigurationError) in try XTCECalibrateStep(p, missionDirectory: dir) }
        library.register(PolynomialStep.name) { p, _ throws(ConfigurationError) in try PolynomialStep(p) }
        library.register(DecompressStep.name) { p, dir throws(ConfigurationError) in try DecompressStep(p, missionDirectory: dir) }
        library.register(ScaleByIndexStep.name) { p, dir throws(ConfigurationError) in try ScaleByIndexStep(p, missionDirectory: dir) }
        library.register(DivideStep.name) { p, _ throws(ConfigurationError) in try DivideStep(p) }
        library.register(ExpandSamplesStep.name) { p, _ throws(ConfigurationError) in try ExpandSamplesStep(p) }
        library.register(MagnitudeStep.name) { p, _ throws(ConfigurationError) in try MagnitudeStep(p) }
        library.register(AverageStep.name) { p, _ throws(ConfigurationError) in try AverageStep(p) }
        library.register(SpectrogramStep.name) { p, _ throws(ConfigurationError) in try SpectrogramStep(p) }
        library.register(HistogramStep.name) { p, _ throws(ConfigurationError) in try HistogramStep(p) }
        library.register(JoinStep.name) { p, _ throws(ConfigurationError) in try JoinStep(p) }
        library.register(SelectStep.name) { p, _ throws(ConfigurationError) in try SelectStep(p) }
        library.register(RenameStep.name) { p, _ throws(ConfigurationError) in try RenameStep(p) }
        library.register(DailyStatisticsStep.name) { p, _ throws(ConfigurationError) in try DailyStatisticsStep(p) }
        return library
    }()
}
