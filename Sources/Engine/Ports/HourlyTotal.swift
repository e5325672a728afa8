import Foundation

/// How many rows of one type a batch has in a span of whole UTC hours, and their value sum: what
/// the stores' hourly read model holds, so an overview of a day costs a lookup per hour, not a
/// read of every row.
public struct HourlyTotal: Sendable, Hashable {
    public var count: Int
    public var valueSum: Double

    public init(count: Int, valueSum: Double) {
        self.count = count
        self.valueSum = valueSum
    }

    /// The UTC hours the read model files `date` under and reads a span by: `YYYY-MM-DD HH`, the
    /// first 13 characters of a stored timestamp, so the stores compute it in SQL as they write.
    public static func hour(of date: Date) -> String {
        String(MetricTimestamp.format(date).prefix(13))
    }

    /// The first and last instants of the whole hours a span from `from` through `through` covers.
    static func bounds(from: Date, through: Date) -> (first: Date, last: Date) {
        let first = (from.timeIntervalSince1970 / 3600).rounded(.down) * 3600
        let last = (through.timeIntervalSince1970 / 3600).rounded(.down) * 3600 + 3599
        return (Date(timeIntervalSince1970: first), Date(timeIntervalSince1970: last))
    }
}
