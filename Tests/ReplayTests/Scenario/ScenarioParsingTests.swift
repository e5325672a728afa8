import Engine
import Foundation
import Testing

@testable import Replay

@Suite struct ScenarioParsingTests {
    /// Parses `yaml`, with `expect: none` added when it says nothing of expectations (the tests
    /// that are not about them).
    func parse(_ yaml: String, files: [String: String] = [:]) throws -> Scenario {
        let text = yaml.contains("expect:") ? yaml : yaml + "\nexpect: none\n"
        return try Scenario.parse(name: "t", file: "scenarios/t/scenario.yaml", text: text, seedOverride: nil) { path in
            guard let text = files[path] else { throw ScenarioError(file: path, key: "(file)", "missing") }
            return (path, text)
        }
    }

    let base = """
        start: 2026-01-01T00:00:00Z
        ticks: 48
        interval: 1h
        seed: 5
        """

    @Test func generatorsAreDeterministicAndSeeded() throws {
        let yaml = base + "\nseries:\n  a:\n    components:\n      - level: 10\n      - noise: {sd: 1}\n"
        let one = try parse(yaml)
        let two = try parse(yaml)
        #expect(one.series[0].points == two.series[0].points)
        #expect(one.series[0].points.count == 49)
        let other = try Scenario.parse(name: "t", file: "f", text: yaml + "expect: none\n", seedOverride: 6) { _ in ("", "") }
        #expect(other.series[0].points != one.series[0].points)
    }

    @Test func muteSnoozeAndUnmuteEventsAreTold() throws {
        let yaml =
            base + """

                series:
                  a: {values: "1 2"}
                events:
                  - at: 2026-01-01T05:00:00Z
                    snooze: {metric: a, for: 2h}
                  - at: 2026-01-01T06:00:00Z
                    mute: {for: 1d}
                  - at: 2026-01-01T07:00:00Z
                    unmute: {}
                """
        let events = try parse(yaml).events.map(\.event)
        let at = MetricTimestamp.parse("2026-01-01 07:00:00")!
        #expect(
            events == [
                .snooze(metric: "a", until: at), .mute(metric: nil, until: MetricTimestamp.parse("2026-01-02 06:00:00")!),
                .unmute(metric: nil),
            ])
        #expect(throws: ScenarioError.self) {
            try parse(base + "\nseries:\n  a: {values: \"1\"}\nevents:\n  - at: 2026-01-01T05:00:00Z\n    snooze: {metric: a}\n")
        }
    }

    @Test func componentsAddUpAsDescribed() throws {
        let yaml =
            base + """

                series:
                  a:
                    components:
                      - level: 10
                      - level_shift: {at: 2026-01-01T10:00:00Z, size: 5}
                      - spike: {at: 2026-01-01T20:00:00Z, size: 100, width: 2}
                      - gap: {from: 2026-01-02T00:00:00Z, to: 2026-01-02T02:00:00Z}
                """
        let points = try parse(yaml).series[0].points
        #expect(points[9].value == 10)
        #expect(points[10].value == 15)
        #expect(points[20].value == 115)
        #expect(points[21].value == 115)
        #expect(points[22].value == 15)
        #expect(points[24].value == nil && points[25].value == nil && points[26].value == 15)
    }

    @Test func csvSeriesReadTheirFileAndReportBadRows() throws {
        let ok = try parse(
            base + "\nseries:\n  a:\n    csv: data.csv\n", files: ["data.csv": "timestamp,value\n2026-01-01 00:00:00,1.5\n2026-01-01 01:00:00,\n"])
        #expect(ok.series[0].points.map(\.value) == [1.5, nil])
        let crlf = try parse(
            base + "\nseries:\n  a:\n    csv: data.csv\n",
            files: ["data.csv": "timestamp,value\r\n2026-01-01 00:00:00,1.5\r\n2026-01-01 01:00:00,2\r\n"])
        #expect(crlf.series[0].points.map(\.value) == [1.5, 2])
        #expect {
            try parse(base + "\nseries:\n  a:\n    csv: data.csv\n", files: ["data.csv": "timestamp,value\n2026-01-01 00:00:00,abc\n"])
        } throws: { "\($0)".contains("data.csv") && "\($0)".contains("line 2") }
    }

    @Test(arguments: [
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  a:\n    values: \"1 2\"\nexpect:\n  alert:\n    - metric: a\n", "expect.alert",
            "did you mean 'alerts'"
        ),
        ("ticks: 2\nseries:\n  a:\n    values: \"1 2\"\n", "start", "missing"),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  a:\n    components:\n      - nosie: 1\n", "series.a.components[0].nosie",
            "did you mean 'noise'"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  a:\n    values: \"1 2\"\nevents:\n  - at: 2026-01-01T01:00:00Z\n    clock: {}\n",
            "events[0].clock.jump", "needs to or jump"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  a:\n    values: \"1 2\"\nexpect:\n  alerts:\n    - metric: a\n      at: tomorrow\n",
            "expect.alerts[0].at", "is not a time"
        ),
        // Robustness finding D14: an event long before the start made the replay run every tick since 1900.
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  a:\n    values: \"1 2\"\nevents:\n  - at: 1900-01-01T00:00:00Z\n    clock: {jump: 1h}\n",
            "events[0].at", "lies outside the replay"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  a:\n    values: \"1 2\"\nevents:\n  - at: 2026-01-01T01:00:00Z\n    clock: {to: 1900-01-01T00:00:00Z}\n",
            "events[0].clock.to", "outside the replay"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  a:\n    values: \"1 2\"\nevents:\n  - at: 2026-01-01T01:00:00Z\n    clock: {jump: -1000d}\n",
            "events[0].clock.jump", "outside the replay"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  a:\n    values: \"1 2\"\nevents:\n  - at: 2027-01-01T00:00:00Z\n    mute: {for: 1h}\n",
            "events[0].at", "would never happen"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  cpu:\n    values: \"1 2\"\nexpect:\n  alerts:\n    - {metric: cpuu, at: 2026-01-01T01:00:00Z}\n",
            "expect.alerts[0].metric", "'cpuu' is not a series of this scenario (did you mean 'cpu'?); its series: cpu"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  cpu:\n    values: \"1 2\"\nexpect:\n  no_alerts:\n    - {metric: cpu, between: [2026-02-01T00:00:00Z, 2026-02-02T00:00:00Z]}\n",
            "expect.no_alerts[0].between", "lies outside the replay"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  cpu:\n    values: \"1 2\"\nexpect:\n  notifications:\n    - {metric: memory, min: 1}\n",
            "expect.notifications[0].metric", "is not a series of this scenario"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  cpu:\n    values: \"1 2\"\nexpect: {}\n",
            "expect", "or `expect: none` when it only records goldens on purpose"
        ),
        // Fuzz finding: 27,777,774 ticks generated points until the fuzzer's timeout.
        (
            "start: 1013-01-01T00:00:00Z\nticks: 27777774\ninterval: 1h\nseries:\n  a:\n    components:\n      - level: 10\n",
            "ticks", "27777774 points a series at interval 3600 s; a scenario holds at most 210240"
        ),
        (
            "start: 2026-01-01T00:00:00Z\nend: 2100-01-01T00:00:00Z\ninterval: 5m\nseries:\n  a:\n    components:\n      - level: 10\n",
            "end", "a scenario holds at most 210240"
        ),
    ])
    func brokenScenariosNameTheKey(_ yaml: String, _ key: String, _ message: String) {
        #expect {
            try parse(yaml)
        } throws: { error in
            guard let e = error as? ScenarioError else { return false }
            return e.file == "scenarios/t/scenario.yaml" && e.key == key && e.message.contains(message)
        }
    }

    @Test func aScenarioWithoutExpectationsIsRefusedUnlessItSaysSo() throws {
        let yaml = "start: 2026-01-01T00:00:00Z\nticks: 2\nseries:\n  cpu:\n    values: \"1 2\"\n"
        let read: (String) throws -> (path: String, text: String) = { _ in ("", "") }
        let error = #expect(throws: ScenarioError.self) {
            try Scenario.parse(name: "t", file: "scenarios/t/scenario.yaml", text: yaml, seedOverride: nil, read: read)
        }
        #expect(error?.key == "expect" && error?.message.hasPrefix("missing: a scenario says what the replay must show") == true)
        let recordsOnly = try Scenario.parse(name: "t", file: "f", text: yaml + "expect: none\n", seedOverride: nil, read: read)
        #expect(recordsOnly.expectations.isEmpty)
    }

    @Test func scheduleOverridesBecomeCronKeysAndJobsAreScheduled() throws {
        let s = try parse(base + "\nschedule:\n  ingest: \"0 * * * *\"\nseries:\n  a:\n    values: \"1 2\"\n")
        #expect(s.batchYAML.contains("ingest_cron_schedule: 0 * * * *"))
        #expect(s.batchYAML.contains("ingest_default_schedule_status: RUNNING"))
        #expect(s.batchYAML.contains("train_default_schedule_status: STOPPED"), "only the jobs a scenario schedules run")
        #expect(s.batchYAML.contains("metric_batch: t"))
    }
}
