import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC.
/// Supports `*`, lists, ranges, steps (`*/5`, `1-30/2`), month and weekday names, 7 as Sunday,
/// and the macros `@hourly`, `@daily`, `@midnight`, `@weekly`, `@monthly`, `@yearly`, `@annually`.
/// As in Vixie cron, when both day fields are restricted a day matches if either does.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    private let minutes: Set<Int>
    private let hours: Set<Int>
    private let daysOfMonth: Set<Int>
    private let months: Set<Int>
    private let daysOfWeek: Set<Int>
    private let dayOfMonthRestricted: Bool
    private let dayOfWeekRestricted: Bool

    /// A parse failure, with the field it happened in.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let expression: String
        public let reason: String
        public var description: String { "invalid cron expression '\(expression)': \(reason)" }
    }

    public init(_ text: String) throws {
        description = text
        var source = text.trimmingCharacters(in: .whitespaces)
        let macros = [
            "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
            "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
        ]
        if source.hasPrefix("@") {
            guard let expanded = macros[source.lowercased()] else {
                throw ParseError(expression: text, reason: "unknown macro \(source)")
            }
            source = expanded
        }
        let fields = source.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(expression: text, reason: "expected 5 fields (minute hour day month weekday), got \(fields.count)")
        }
        let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        minutes = try Self.field(fields[0], name: "minute", range: 0...59, names: [:], text: text)
        hours = try Self.field(fields[1], name: "hour", range: 0...23, names: [:], text: text)
        daysOfMonth = try Self.field(fields[2], name: "day of month", range: 1...31, names: [:], text: text)
        months = try Self.field(
            fields[3], name: "month", range: 1...12,
            names: Dictionary(uniqueKeysWithValues: monthNames.enumerated().map { ($1, $0 + 1) }), text: text)
        let weekdays = try Self.field(
            fields[4], name: "day of week", range: 0...7,
            names: Dictionary(uniqueKeysWithValues: dayNames.enumerated().map { ($1, $0) }), text: text)
        daysOfWeek = Set(weekdays.map { $0 % 7 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        // Only the day of the month can rule out every date (the 30th of February); a weekday
        // list always falls on some date, and with both restricted either one matches.
        if dayOfMonthRestricted && !dayOfWeekRestricted,
            !months.contains(where: { month in daysOfMonth.contains { $0 <= CivilTime.daysIn(month: month, year: 2000) } })
        {
            throw ParseError(
                expression: text, reason: "never fires: none of its months has day \(daysOfMonth.sorted().map(String.init).joined(separator: ","))")
        }
    }

    /// Whether the expression fires at the minute containing `date`.
    public func matches(_ date: Date) -> Bool {
        let c = CivilTime(date: date)
        return minutes.contains(c.minute) && hours.contains(c.hour) && months.contains(c.month) && dayMatches(c)
    }

    /// The first firing time strictly after `date` (whole minutes), or nil if none within 8 years.
    /// The latest firing time at or before `date`, looking back at most a year (nil if none):
    /// the tick an orchestrator meant when it does not say.
    public func latest(atOrBefore date: Date) -> Date? {
        for lookback: TimeInterval in [3_600, 86_400, 8 * 86_400, 366 * 86_400] {
            var cursor = date.addingTimeInterval(-lookback)
            var found: Date?
            while let next = next(after: cursor), next <= date {
                found = next
                cursor = next
            }
            if let found { return found }
        }
        return nil
    }

    public func next(after date: Date) -> Date? {
        let start = (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        var c = CivilTime(epochSeconds: Int64(start))
        let limitYear = c.year + 8
        while c.year <= limitYear {
            if !months.contains(c.month) {
                c = CivilTime(epochSeconds: Int64(firstOfNextMonth(c).timeIntervalSince1970))
                continue
            }
            if !dayMatches(c) {
                c = CivilTime(epochSeconds: Int64(CivilTime.daysFromCivil(year: c.year, month: c.month, day: c.day) + 1) * 86_400)
                continue
            }
            if !hours.contains(c.hour) {
                let next = Int64(c.date.timeIntervalSince1970) / 3600 * 3600 + 3600
                c = CivilTime(epochSeconds: next)
                continue
            }
            if !minutes.contains(c.minute) {
                c = CivilTime(epochSeconds: Int64(c.date.timeIntervalSince1970) + 60)
                continue
            }
            return c.date
        }
        return nil
    }

    private func dayMatches(_ c: CivilTime) -> Bool {
        let dom = daysOfMonth.contains(c.day)
        let dow = daysOfWeek.contains(c.weekday)
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): return dom || dow
        case (true, false): return dom
        case (false, true): return dow
        case (false, false): return true
        }
    }

    private func firstOfNextMonth(_ c: CivilTime) -> Date {
        let (y, m) = c.month == 12 ? (c.year + 1, 1) : (c.year, c.month + 1)
        return Date(timeIntervalSince1970: TimeInterval(CivilTime.daysFromCivil(year: y, month: m, day: 1) * 86_400))
    }

    private static func field(_ field: String, name: String, range: ClosedRange<Int>, names: [String: Int], text: String) throws -> Set<Int> {
        var result = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else {
                throw ParseError(expression: text, reason: "bad \(name) field '\(field)'")
            }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s > 0 else {
                    throw ParseError(expression: text, reason: "bad step '\(pieces[1])' in \(name) field")
                }
                step = s
            }
            let lower: Int
            let upper: Int
            if pieces[0] == "*" {
                lower = range.lowerBound
                upper = range.upperBound
            } else {
                let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count <= 2 else { throw ParseError(expression: text, reason: "bad range '\(pieces[0])' in \(name) field") }
                lower = try value(String(bounds[0]), name: name, range: range, names: names, text: text)
                if bounds.count == 2 {
                    upper = try value(String(bounds[1]), name: name, range: range, names: names, text: text)
                } else {
                    upper = pieces.count == 2 ? range.upperBound : lower
                }
                guard lower <= upper else { throw ParseError(expression: text, reason: "range '\(pieces[0])' runs backwards in \(name) field") }
            }
            result.formUnion(stride(from: lower, through: upper, by: step))
        }
        return result
    }

    private static func value(_ token: String, name: String, range: ClosedRange<Int>, names: [String: Int], text: String) throws -> Int {
        if let n = Int(token) {
            guard range.contains(n) else {
                throw ParseError(expression: text, reason: "\(name) value \(n) is outside \(range.lowerBound)-\(range.upperBound)")
            }
            return n
        }
        if let n = names[token.lowercased()] { return n }
        throw ParseError(expression: text, reason: "'\(token)' is not a valid \(name) value")
    }
}
