import Engine
import Fixtures
import Foundation
import Testing

/// The reads behind the dashboard and the API: windows, searches, cards, rankings, alerts and feedback.
@Suite struct DashboardQueryTests {
    @Test func timeWindowsParseAndSayWhatIsWrong() throws {
        #expect(try TimeWindow(parsing: "90n") == .lastPoints(90))
        #expect(try TimeWindow(parsing: "24h") == .span(seconds: 86_400))
        #expect(try TimeWindow(parsing: "7d").description == "7d")
        #expect(try TimeWindow(parsing: "30m").description == "30m")
        for bad in ["", "n", "0h", "-3d", "12x", "1000d", "200000n", "h24"] {
            #expect(throws: TimeWindowError.self, "\(bad)") { try TimeWindow(parsing: bad) }
        }
        #expect(throws: TimeWindowError.self) { try TimeWindow(parsing: "12x") }
        do { _ = try TimeWindow(parsing: "12x") } catch {
            #expect("\(error)" == "bad time window '12x': expected a count and a unit: 90n (last 90 points), 30m, 24h or 7d")
        }
    }

    @Test func aWindowZoomsInAndOutWithinTheLimits() throws {
        #expect(TimeWindow.lastPoints(90).zoomed(by: 0.5) == .lastPoints(45))
        #expect(TimeWindow.lastPoints(90).zoomed(by: 2) == .lastPoints(180))
        #expect(try TimeWindow(parsing: "24h").zoomed(by: 0.5)?.description == "12h")
        #expect(try TimeWindow(parsing: "7d").zoomed(by: 2)?.description == "14d")
        #expect(try TimeWindow(parsing: "3m").zoomed(by: 0.5)?.description == "2m")  // whole minutes
        #expect(TimeWindow.lastPoints(2).zoomed(by: 0.5) == nil)
        #expect(TimeWindow.lastPoints(TimeWindow.maxPoints).zoomed(by: 2) == nil)
        #expect(try TimeWindow(parsing: "300d").zoomed(by: 2) == nil)
        #expect(try TimeWindow(parsing: "1m").zoomed(by: 0.5) == nil)
        // What zooming gives parses back to itself.
        for text in ["90n", "24h", "7d", "45m"] {
            for factor in [0.5, 2.0] {
                if let zoomed = try TimeWindow(parsing: text).zoomed(by: factor) {
                    #expect(try TimeWindow(parsing: zoomed.description) == zoomed, "\(text) x \(factor)")
                }
            }
        }
    }

    @Test func metricSearchIsACaseInsensitiveRegex() throws {
        let filter = try MetricFilter("^orders_")
        #expect(try filter.matches("ORDERS_total"))
        #expect(try !filter.matches("web_orders_total"))
        #expect(try MetricFilter("").matches("anything"))
        #expect(throws: MetricFilterError.self) { try MetricFilter("(unclosed") }
        #expect(throws: MetricFilterError.self) { try MetricFilter(String(repeating: "a", count: 201)) }
    }

    /// A backtracking pattern is refused once it has spent its step budget, naming it, instead of
    /// holding the request for hours (robustness finding D5); ordinary searches never come near it.
    @Test func aBacktrackingSearchIsRefusedAtItsStepBudget() throws {
        let names = (0..<2_000).map { "metric_\($0)_" + String(repeating: "b", count: 20) } + [String(repeating: "b", count: 40) + "!"]
        #expect {
            try MetricFilter("^(b+)+$").filter(names)
        } throws: { error in
            "\(error)" == "bad metric search '^(b+)+$': too costly to match (it backtracks without bound); simplify it"
        }
        #expect(try MetricFilter("^metric_1[0-9]_b+$").filter(names).count == 10)
        #expect(try MetricFilter("b{20}$").filter(names).count == 2_000)
    }

    func seeded() throws -> (Harness, BatchConfig, BatchConfig) {
        let h = try Harness()
        let quiet = try batch("metric_batch: quiet\ningest_sql: select 1\n")
        let loud = try batch("metric_batch: loud\ningest_sql: select 1\n")
        let store = try h.store()
        try store.insert(
            hourly([1, 2, 3, 4], batch: "quiet", name: "q") + hourly([1, 2, 3, 4], batch: "loud", name: "calm")
                + hourly([1, 2, 30, 4], batch: "loud", name: "spiky"))
        for (batchName, metric, score) in [("quiet", "q", 0.1), ("loud", "calm", 0.2), ("loud", "spiky", 0.9)] {
            try store.insert(
                (0..<4).map { i in
                    MetricRow(
                        timestamp: referenceTime.addingTimeInterval(Double(i - 3) * 3600), batch: batchName, name: metric, type: .score, value: score)
                })
        }
        try store.insert([
            MetricRow(
                timestamp: referenceTime.addingTimeInterval(-3600), batch: "loud", name: "spiky", type: .alert, value: 1,
                metadata: "{\"severity\":\"critical\",\"smoothed_score\":0.97}"),
            MetricRow(
                timestamp: referenceTime, batch: "loud", name: "spiky", type: .tholdalert, value: 1,
                metadata: "{\"bound\":\"upper\",\"limit\":10.0,\"value\":30.0}"),
        ])
        return (h, quiet, loud)
    }

    @Test func cardsPutTheBatchesWithAlertsFirst() throws {
        let (h, quiet, loud) = try seeded()
        let cards = try BatchOverview(stores: h.database).cards([quiet, loud], now: referenceTime, span: 86_400)
        #expect(cards.map(\.batch) == ["loud", "quiet"])
        #expect(cards[0].alerts == 2)
        #expect(cards[0].metrics == 2)
        #expect(cards[0].latestPoint == referenceTime)
        #expect(abs((cards[0].meanScore ?? 0) - 0.55) < 1e-9)
        let standings = try BatchOverview(stores: h.database).standings(
            loud, window: .lastPoints(90), now: referenceTime, filter: try MetricFilter(""))
        #expect(standings.map(\.metric) == ["spiky", "calm"])
        #expect(standings[0].anomalyRate == 0.5)
        // The last two points of each metric: spiky's alert (an hour ago) and threshold alert (now) are in, one score each.
        let lastTwo = try BatchOverview(stores: h.database).standings(loud, window: .lastPoints(2), now: referenceTime, filter: try MetricFilter(""))
        #expect(lastTwo.map { "\($0.metric) \($0.points) \($0.alerts) \($0.anomalyRate)" } == ["spiky 2 2 1.0", "calm 2 0 0.0"])
        let extents = try h.store().extentsByMetric(
            batch: "loud", types: [.metric, .score], from: nil, latestValues: 3,
            through: referenceTime.addingTimeInterval(-3600))
        #expect(
            extents["calm"]?[.metric]
                == MetricExtent(
                    count: 3, first: referenceTime.addingTimeInterval(-3 * 3600),
                    last: referenceTime.addingTimeInterval(-3600), valueSum: 6))
        #expect(extents["calm"]?[.score]?.count == 3)
        #expect(
            try BatchOverview(stores: h.database).standings(
                loud, window: .span(seconds: 7200), now: referenceTime,
                filter: try MetricFilter("CALM")
            ).map { "\($0.metric) \($0.points)" } == ["calm 3"])
    }

    @Test func feedbackIsStoredOnRealAlertsOnlyAndReplacesTheEarlierVerdict() throws {
        let (h, quiet, loud) = try seeded()
        let feed = AlertFeed(stores: h.database)
        let page = try feed.page([quiet, loud], now: referenceTime, span: 86_400, page: 1, pageSize: 10)
        #expect(page.entries.map { "\($0.kind.rawValue) \($0.severity) \($0.score ?? -1)" } == ["tholdalert critical 30.0", "alert critical 0.97"])
        let alertTime = referenceTime.addingTimeInterval(-3600)
        try feed.recordFeedback(batch: loud, metric: "spiky", timestamp: alertTime, positive: false)
        try feed.recordFeedback(batch: loud, metric: "spiky", timestamp: alertTime, positive: true)
        #expect(try h.all("loud", .thumbsup).count == 1)
        #expect(try h.all("loud", .thumbsdown).isEmpty)
        #expect(try feed.page([loud], now: referenceTime, span: 86_400, page: 1, pageSize: 10).entries[1].feedback == true)
        #expect(throws: JobError.self) { try feed.recordFeedback(batch: loud, metric: "calm", timestamp: alertTime, positive: true) }
        #expect(try feed.precision(batch: loud, now: referenceTime, span: 86_400).precision == 1)
        let second = try feed.page([quiet, loud], now: referenceTime, span: 86_400, page: 2, pageSize: 1)
        #expect(second.entries.map(\.kind) == [.alert])
        #expect(second.pageCount == 2)
    }

    @Test func llmAlertsAreListedAndTakeFeedback() throws {
        let h = try Harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\n")
        try h.store().insert([
            MetricRow(
                timestamp: referenceTime, batch: "test", name: "m", type: .llmalert, value: 1,
                metadata: "{\"explanation\":\"odd\"}")
        ])
        let feed = AlertFeed(stores: h.database)
        #expect(
            try feed.page([b], now: referenceTime, span: 3600, page: 1, pageSize: 5).entries.map { "\($0.kind.rawValue) \($0.severity)" }
                == ["llmalert warning"])
        try feed.recordFeedback(batch: b, metric: "m", timestamp: referenceTime, positive: true)
        #expect(try BatchOverview(stores: h.database).cards([b], now: referenceTime, span: 3600).first?.alerts == 1)
    }
}
