import Foundation

/// One UTC day of a batch's (or every batch's) activity: runs, failures, alerts and feedback.
public struct DayActivity: Sendable, Hashable {
    public var day: String
    public var runs = 0
    public var failedRuns = 0
    public var alerts = 0
    public var up = 0
    public var down = 0
    /// 👍 / (👍 + 👎), nil without feedback.
    public var precision: Double? { up + down > 0 ? Double(up) / Double(up + down) : nil }
}

/// Performance analytics for the runs page: activity per day over the last days, newest first.
public struct DailyActivity: Sendable {
    public let stores: any MetricStores

    public init(stores: any MetricStores) {
        self.stores = stores
    }

    public func days(_ batches: [BatchConfig], now: Date, days: Int) throws -> [DayActivity] {
        let from = now.addingTimeInterval(-Double(days) * 86_400)
        var byDay: [String: DayActivity] = [:]
        func day(_ date: Date) -> String { String(MetricTimestamp.format(date).prefix(10)) }
        for offset in 0..<days {
            let d = day(now.addingTimeInterval(-Double(offset) * 86_400))
            byDay[d] = DayActivity(day: d)
        }
        for batch in batches {
            let store = try stores.store(table: batch.tableKey)
            for row in try store.rows(
                MetricQuery(batch: batch.name, types: [.alert, .tholdalert, .llmalert, .thumbsup, .thumbsdown], from: from, through: now))
            {
                let d = day(row.timestamp)
                guard byDay[d] != nil else { continue }
                switch row.type {
                case .alert, .tholdalert, .llmalert: byDay[d]!.alerts += 1
                case .thumbsup: byDay[d]!.up += 1
                case .thumbsdown: byDay[d]!.down += 1
                default: break
                }
            }
            for (d, count) in try store.jobRunCountsByDay(batch: batch.name, from: from, through: now) where byDay[d] != nil {
                byDay[d]!.runs += count.runs
                byDay[d]!.failedRuns += count.failed
            }
        }
        return byDay.values.sorted { $0.day > $1.day }
    }
}
