import Engine
import Foundation
import Testing

@Suite struct CronExpressionTests {
    func at(_ text: String) -> Date { MetricTimestamp.parse(text)! }

    @Test func stepsFireOnMultiples() throws {
        let cron = try CronExpression("*/4 * * * *")
        #expect(cron.next(after: at("2026-01-15 12:00:00")) == at("2026-01-15 12:04:00"))
        #expect(cron.next(after: at("2026-01-15 12:57:30")) == at("2026-01-15 13:00:00"))
        #expect(cron.matches(at("2026-01-15 12:08:59")))
        #expect(!cron.matches(at("2026-01-15 12:09:00")))
    }

    @Test func dailyAndWeekdaySchedules() throws {
        #expect(try CronExpression("0 6 * * *").next(after: at("2026-01-15 06:00:00")) == at("2026-01-16 06:00:00"))
        // 2026-01-15 is a Thursday; the next Monday 09:30 is the 19th.
        #expect(try CronExpression("30 9 * * MON").next(after: at("2026-01-15 12:00:00")) == at("2026-01-19 09:30:00"))
        #expect(try CronExpression("0 0 29 2 *").next(after: at("2026-01-01 00:00:00")) == at("2028-02-29 00:00:00"))
        #expect(try CronExpression("@hourly").next(after: at("2026-12-31 23:59:00")) == at("2027-01-01 00:00:00"))
    }

    @Test func restrictedDayFieldsMatchEither() throws {
        // Day 1 of the month OR a Sunday.
        let cron = try CronExpression("0 0 1 * 0")
        #expect(cron.next(after: at("2026-01-15 00:00:00")) == at("2026-01-18 00:00:00"))
        #expect(cron.next(after: at("2026-01-31 00:00:00")) == at("2026-02-01 00:00:00"))
    }

    @Test func theLatestTickAtOrBeforeATimeIsFoundForFrequentAndRareSchedules() throws {
        #expect(try CronExpression("*/5 * * * *").latest(atOrBefore: at("2026-01-15 12:07:30")) == at("2026-01-15 12:05:00"))
        #expect(try CronExpression("*/5 * * * *").latest(atOrBefore: at("2026-01-15 12:05:00")) == at("2026-01-15 12:05:00"))
        #expect(try CronExpression("0 3 * * *").latest(atOrBefore: at("2026-01-15 02:00:00")) == at("2026-01-14 03:00:00"))
        #expect(try CronExpression("0 6 * * 1").latest(atOrBefore: at("2026-01-15 12:00:00")) == at("2026-01-12 06:00:00"))
        #expect(try CronExpression("0 0 1 1 *").latest(atOrBefore: at("2026-06-15 00:00:00")) == at("2026-01-01 00:00:00"))
    }

    @Test(arguments: ["*/4 * * *", "61 * * * *", "* * * * 8", "5-1 * * * *", "*/0 * * * *", "@often", "a b c d e"])
    func invalidExpressionsAreRejected(_ text: String) {
        #expect(throws: CronExpression.ParseError.self) { try CronExpression(text) }
    }
}
