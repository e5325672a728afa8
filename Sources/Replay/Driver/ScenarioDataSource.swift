import Engine
import Foundation
import Synchronization

/// The data source a replay's ingest job reads: each query returns the scenario points that
/// have arrived by the simulated `now` and were not delivered before, so late, duplicated and
/// out-of-order arrival reach the engine exactly as the scenario describes.
final class ScenarioDataSource: DataSource, DataSourceResolver {
    struct Delivery {
        var arrival: Date
        var metric: String
        var timestamp: Date
        var value: Double
        var copy: Int
        var reorder: Bool
    }

    private let deliveries: [Delivery]
    /// How far delivery has got: the next delivery to hand out, and the ingests landed so far.
    private let progress = Mutex<(cursor: Int, landed: Int)>((0, 0))
    private let clock: any EngineClock
    private let seed: UInt64
    private let shuffleEverything: Bool
    private let landing: (any ArrivalLanding)?

    init(
        series: [SeriesSpec], interval: TimeInterval, clock: any EngineClock, seed: UInt64, shuffleEverything: Bool,
        landing: (any ArrivalLanding)? = nil
    ) {
        var deliveries: [Delivery] = []
        for spec in series {
            for (i, point) in spec.points.enumerated() {
                guard let value = point.value else { continue }
                var arrival = point.timestamp.addingTimeInterval(spec.arrival.delay + (spec.arrival.late[point.timestamp] ?? 0))
                if let late = spec.arrival.lateEvery, (i + 1) % late.every == 0 { arrival.addTimeInterval(late.by) }
                deliveries.append(
                    Delivery(
                        arrival: arrival, metric: spec.name, timestamp: point.timestamp, value: value,
                        copy: 0, reorder: spec.arrival.reorder))
                if let n = spec.arrival.duplicateEvery, n > 0, (i + 1) % n == 0 {
                    deliveries.append(
                        Delivery(
                            arrival: arrival.addingTimeInterval(interval), metric: spec.name, timestamp: point.timestamp,
                            value: value, copy: 1, reorder: spec.arrival.reorder))
                    deliveries.append(
                        Delivery(
                            arrival: arrival, metric: spec.name, timestamp: point.timestamp, value: value,
                            copy: 2, reorder: spec.arrival.reorder))
                }
            }
        }
        self.deliveries = deliveries.sorted { ($0.arrival, $0.timestamp, $0.metric, $0.copy) < ($1.arrival, $1.timestamp, $1.metric, $1.copy) }
        self.clock = clock
        self.seed = seed
        self.shuffleEverything = shuffleEverything
        self.landing = landing
    }

    func dataSource(for batch: BatchConfig) throws -> any DataSource { self }

    func query(_ sql: String) async throws -> [SourceRow] {
        let rows = arrived()
        guard let landing else { return rows }
        let delivery = progress.withLock { progress in
            progress.landed += 1
            return progress.landed
        }
        return try await landing.land(rows, delivery: delivery)
    }

    /// The rows that have arrived by the clock's `now` since the last query, in arrival order.
    private func arrived() -> [SourceRow] {
        let now = clock.now
        let due: [Delivery] = progress.withLock { progress in
            var taken: [Delivery] = []
            while progress.cursor < deliveries.count && deliveries[progress.cursor].arrival <= now {
                taken.append(deliveries[progress.cursor])
                progress.cursor += 1
            }
            return taken
        }
        var ordered = due
        if shuffleEverything || due.contains(where: \.reorder) {
            var rng = Xoshiro256(runSeed: seed, scope: "arrival", MetricTimestamp.format(now), shuffleEverything ? "all" : "reorder")
            ordered.shuffle(using: &rng)
        }
        return ordered.map {
            ["metric_timestamp": .text(MetricTimestamp.format($0.timestamp)), "metric_name": .text($0.metric), "metric_value": .real($0.value)]
        }
    }
}

/// Injected failures: the next run of each listed job fails.
final class FaultPlan: JobGate {
    private let pending = Mutex<[JobKind]>([])

    func failNext(_ job: JobKind) { pending.withLock { $0.append(job) } }

    func admit(_ job: JobKind, batch: String) throws {
        let fail: Bool = pending.withLock { pending in
            guard let index = pending.firstIndex(of: job) else { return false }
            pending.remove(at: index)
            return true
        }
        if fail { throw JobError("injected failure of \(job.rawValue) (scenario event)") }
    }
}
