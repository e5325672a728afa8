import Engine
import Foundation
import Testing

@Suite struct MetricTimestampTests {
    @Test(arguments: [
        ("2026-01-15 12:00:00", 1_768_478_400.0), ("2026-01-15T12:00:00Z", 1_768_478_400),
        ("2026-01-15T13:30:00+01:30", 1_768_478_400), ("2026-01-15 12:00:00.987", 1_768_478_400),
        ("2026-01-15", 1_768_435_200), ("1768478400", 1_768_478_400), ("1768478400000", 1_768_478_400),
        ("2026-01-15 12:00", 1_768_478_400), ("  2026-01-15 12:00:00 ", 1_768_478_400), ("2026", 2026), ("-1", -1),
    ])
    func parsesTheFormsDataArrivesIn(_ text: String, _ epoch: Double) {
        #expect(MetricTimestamp.parse(text)?.timeIntervalSince1970 == epoch)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01", "2026-02-30 00:00:00", "2026-01-15 25:00:00", "2026-01-15T12:00:00 junk", "nan"])
    func rejectsWhatIsNotATime(_ text: String) {
        #expect(MetricTimestamp.parse(text) == nil)
    }

    @Test func formatsInUTCWholeSeconds() {
        let date = Date(timeIntervalSince1970: 951_825_600.75)  // 2000-02-29 12:00:00.75
        #expect(MetricTimestamp.format(date) == "2000-02-29 12:00:00")
        #expect(MetricTimestamp.formatISO(date) == "2000-02-29T12:00:00Z")
        #expect(MetricTimestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31 23:59:59")
    }
}
