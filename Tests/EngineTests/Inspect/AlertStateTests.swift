import Engine
import Fixtures
import Foundation
import Testing

@Suite struct AlertStateTests {
    func state(_ scores: [Double], alertedAt: [Int] = [], _ settings: String = "") throws -> AlertState {
        let b = try batch("metric_batch: test\ningest_sql: select 1\n" + settings)
        let times = scores.indices.map { referenceTime.addingTimeInterval(Double($0) * 3600) }
        return AlertState(scores: Array(zip(times, scores)), alerts: Set(alertedAt.map { times[$0] }), batch: b)
    }

    func time(_ i: Int) -> Date { referenceTime.addingTimeInterval(Double(i) * 3600) }

    @Test func underTheThresholdIsOk() throws {
        #expect(try state([]) == .ok)
        #expect(try state([0.9, 0.95, 0.3], alertedAt: [0]) == .ok)
    }

    /// With alert_for_n 3, two points in a row at or above the threshold are pending, counted.
    @Test func aRunShorterThanAlertForNIsPending() throws {
        #expect(try state([0.1, 0.9, 0.95], "alert_for_n: 3\n") == .pending(since: time(1), reached: 2, required: 3))
        #expect(try state([0.9, 0.1, 0.9, 0.95], "alert_for_n: 3\nalert_for_m: 2\n") == .pending(since: time(2), reached: 3 - 1, required: 2))
    }

    @Test func anAlertWithinTheLastAlertForNPointsIsFiring() throws {
        #expect(try state([0.1, 0.9, 0.95, 0.96], alertedAt: [3], "alert_for_n: 3\n") == .firing(since: time(3)))
        #expect(try state([0.1, 0.9, 0.95], alertedAt: [1]) == .pending(since: time(1), reached: 1, required: 1), "alerted two points ago: snoozed since")
    }

    @Test func smoothingDecidesWhatReachesTheThreshold() throws {
        // Smoothed over 2: 0.5, 0.85 — the last reaches it, the one before does not.
        #expect(try state([0.1, 0.9, 0.8], "alert_smooth_n: 2\n") == .pending(since: time(2), reached: 1, required: 1))
    }
}
