import Foundation

/// The one text form of a timestamp in the store, in templates and in outputs:
/// `YYYY-MM-DD HH:MM:SS`, UTC, whole seconds. It sorts lexically in time order and is
/// what SQLite's own `datetime()` returns, so batch SQL can compare with it directly.
public enum MetricTimestamp {
    /// Formats a date as `YYYY-MM-DD HH:MM:SS` in UTC, truncated to the second.
    public static func format(_ date: Date) -> String {
        text(CivilTime(date: date), separator: UInt8(ascii: " "), zone: false)
    }

    /// A time as `format` writes it, and so as the SQLite store compares it: to the whole
    /// second (rounded down), within the years 0001–9999.
    public static func stored(_ date: Date) -> Date {
        let seconds = date.timeIntervalSince1970.isNaN ? 0 : date.timeIntervalSince1970
        let clamped = min(max(seconds, RepresentableValues.times.lowerBound), RepresentableValues.times.upperBound)
        return Date(timeIntervalSince1970: clamped.rounded(.down))
    }

    /// Formats a date as RFC 3339 (`YYYY-MM-DDTHH:MM:SSZ`).
    public static func formatISO(_ date: Date) -> String {
        text(CivilTime(date: date), separator: UInt8(ascii: "T"), zone: true)
    }

    /// Builds the text digit by digit: this runs for every row read or written, and
    /// `String(format:)` costs more than the rest of the row.
    private static func text(_ c: CivilTime, separator: UInt8, zone: Bool) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: 48, count: width)
            var v = abs(value)
            for i in stride(from: width - 1, through: 0, by: -1) {
                digits[i] = UInt8(48 + v % 10)
                v /= 10
            }
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: digits)
        }
        put(c.year, 4)
        bytes.append(UInt8(ascii: "-"))
        put(c.month, 2)
        bytes.append(UInt8(ascii: "-"))
        put(c.day, 2)
        bytes.append(separator)
        put(c.hour, 2)
        bytes.append(UInt8(ascii: ":"))
        put(c.minute, 2)
        bytes.append(UInt8(ascii: ":"))
        put(c.second, 2)
        if zone { bytes.append(UInt8(ascii: "Z")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses the forms ingested data and users write: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]`,
    /// the same with `T`, an optional `Z` or `±HH[:MM]` zone (UTC when absent), and epoch seconds
    /// (or milliseconds when the number is too large to be seconds). Sub-second parts are truncated.
    public static func parse(_ text: String) -> Date? {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 32 || last == 9 { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        if start > 0 { bytes.removeFirst(start) }
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 }), bytes.count <= 4 || bytes[4] != 45,
            let epoch = Double(String(decoding: bytes, as: UTF8.self))
        {
            return fromEpoch(epoch)
        }
        var scanner = DigitScanner(bytes)
        guard let year = scanner.digits(4), scanner.expect(UInt8(ascii: "-")),
            let month = scanner.digits(2), scanner.expect(UInt8(ascii: "-")),
            let day = scanner.digits(2)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var offset = 0
        if !scanner.atEnd {
            guard scanner.expect(UInt8(ascii: "T")) || scanner.expect(UInt8(ascii: " ")),
                let h = scanner.digits(2), scanner.expect(UInt8(ascii: ":")),
                let m = scanner.digits(2)
            else { return nil }
            hour = h
            minute = m
            if scanner.expect(UInt8(ascii: ":")) {
                guard let sec = scanner.digits(2) else { return nil }
                second = sec
                if scanner.expect(UInt8(ascii: ".")) || scanner.expect(UInt8(ascii: ",")) {
                    guard scanner.skipDigits() > 0 else { return nil }
                }
            }
            if scanner.expect(UInt8(ascii: "Z")) || scanner.expect(UInt8(ascii: "z")) {
                offset = 0
            } else if let sign = scanner.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                scanner.advance()
                guard let oh = scanner.digits(2) else { return nil }
                _ = scanner.expect(UInt8(ascii: ":"))
                let om = scanner.digits(2) ?? 0
                offset = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
            }
            guard scanner.atEnd else { return nil }
        }
        guard (1...12).contains(month), (1...CivilTime.daysIn(month: month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return representable(TimeInterval(seconds))
    }

    /// The date, when the store's text form can write it (years 0001 to 9999).
    private static func representable(_ seconds: TimeInterval) -> Date? {
        RepresentableValues.times.contains(seconds) ? Date(timeIntervalSince1970: seconds) : nil
    }

    /// Drops sub-second precision, as the store does.
    public static func truncate(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    private static func fromEpoch(_ value: Double) -> Date? {
        guard value.isFinite else { return nil }
        let seconds = abs(value) >= 1e11 ? value / 1000 : value
        return representable(seconds.rounded(.down))
    }
}

/// A proleptic Gregorian civil time in UTC, computed without Calendar so that nothing depends
/// on the host's time zone or locale.
public struct CivilTime: Sendable, Equatable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    /// 0 = Sunday ... 6 = Saturday.
    public var weekday: Int

    public init(epochSeconds: Int64) {
        let days = Int64((Double(epochSeconds) / 86_400).rounded(.down))
        let secondsOfDay = Int(epochSeconds - days * 86_400)
        let (y, m, d) = CivilTime.civilFromDays(days)
        year = y
        month = m
        day = d
        hour = secondsOfDay / 3600
        minute = (secondsOfDay % 3600) / 60
        second = secondsOfDay % 60
        weekday = Int(((days % 7) + 11) % 7)
    }

    /// A date outside the years 0001–9999 (which parsing and ingest refuse) is clamped to that
    /// span rather than trapping in the conversion to whole seconds.
    public init(date: Date) {
        let seconds = date.timeIntervalSince1970.isNaN ? 0 : date.timeIntervalSince1970
        let clamped = min(max(seconds, RepresentableValues.times.lowerBound), RepresentableValues.times.upperBound)
        self.init(epochSeconds: Int64(clamped.rounded(.down)))
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        let y = Int(yoe + era * 400) + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var date: Date {
        let days = CivilTime.daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + Int64(hour * 3600 + minute * 60 + second)))
    }
}

private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }
    mutating func advance() { index += 1 }
    mutating func expect(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }
    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for i in index..<(index + count) {
            let b = bytes[i]
            guard b >= 48 && b <= 57 else { return nil }
            value = value * 10 + Int(b - 48)
        }
        index += count
        return value
    }
    mutating func skipDigits() -> Int {
        var n = 0
        while let b = peek, b >= 48 && b <= 57 {
            index += 1
            n += 1
        }
        return n
    }
}
