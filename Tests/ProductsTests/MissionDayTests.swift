import Testing
@testable import Products

@Suite struct MissionDayTests {
    @Test func parsesBothFormsAndRejectsInvalidDates() {
        #expect(MissionDay("2026-11-21") == MissionDay(year: 2026, month: 11, day: 21))
        #expect(MissionDay("20240229")?.description == "2024-02-29")
        #expect(MissionDay("2023-02-29") == nil)
        #expect(MissionDay("2023-2-1") == nil)
        #expect(MissionDay("2023-13-01") == nil)
    }

    @Test func dayNumbersRoundTripAcrossCenturies() {
        #expect(MissionDay(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        #expect(MissionDay(year: 2000, month: 3, day: 1)!.dayNumber == 11017)
        for n in stride(from: -100_000, through: 100_000, by: 37) {
            #expect(MissionDay(dayNumber: n).dayNumber == n)
        }
        #expect(MissionDay(year: 2024, month: 12, day: 31)!.adding(days: 1).compact == "20250101")
    }

    @Test func productIDsParseTheirDescription() {
        let id = ProductID(instrument: "mag", level: .l2, descriptor: "norm_1min")
        #expect(ProductID(id.description) == id)
        #expect(ProductID("mag_l9_x") == nil)
        #expect(ProductLevel.l1b < .l2)
    }
}
