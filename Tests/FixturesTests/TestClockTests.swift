import Engine
import Fixtures
import Foundation
import Testing

@Suite struct TestClockTests {
    @Test func sleepersWakeWhenTheClockPassesTheirDeadline() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 0))
        let woke = RecordingNotifier()
        let task = Task {
            try await clock.sleep(until: Date(timeIntervalSince1970: 60))
            try await woke.deliver(AlertNotification(alertType: "woke", batch: "", metric: "", timestamp: clock.now, value: nil,
                                                     score: 0, smoothedScore: 0, threshold: 0, methods: [], tags: [:]))
        }
        for _ in 0..<50 { await Task.yield() }
        #expect(woke.delivered.isEmpty)
        clock.advance(by: 30)
        for _ in 0..<50 { await Task.yield() }
        #expect(woke.delivered.isEmpty)
        clock.advance(by: 30)
        try await task.value
        #expect(woke.delivered.map(\.timestamp) == [Date(timeIntervalSince1970: 60)])
    }

    @Test func pastDeadlinesReturnAtOnce() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 100))
        try await clock.sleep(until: Date(timeIntervalSince1970: 50))
        clock.set(Date(timeIntervalSince1970: 10))
        #expect(clock.now == Date(timeIntervalSince1970: 10))
    }
}
