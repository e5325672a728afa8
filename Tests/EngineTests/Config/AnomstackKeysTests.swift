import Engine
import Fixtures
import Foundation
import Testing

/// Anomstack's keys load with their meaning, its other keys are template variables, and a typo
/// of a setting is still an error.
@Suite struct AnomstackKeysTests {
    @Test func aliasesTakeTheEnginesKeys() throws {
        let folder = InMemoryMetricsFolder([
            "defaults/defaults.yaml": "disable_alert: True\n",
            "b/b.yaml": "metric_batch: b\ningest_sql: select 1\nllmalert_anomaly_agent_detection_prompt: look closely\n",
        ])
        let batch = try BatchLoader(folder: folder).loadValid()[0]
        #expect(batch[.disabled(.alert)])
        #expect(batch[.llmalertDetectPrompt] == "look closely")
        let both = InMemoryMetricsFolder(["b/b.yaml": "metric_batch: b\ningest_sql: select 1\ndisable_alert: true\ndisable_alerts: false\n"])
        #expect(BatchLoader(folder: both).load().errors.map(\.description) == [
            "b/b.yaml:3: key 'disable_alert': is Anomstack's name for 'disable_alerts', which is set too: keep one"
        ])
    }

    @Test func ownKeysAreTemplateVariablesAndTyposAreErrors() throws {
        let folder = InMemoryMetricsFolder([
            "b/b.yaml": "metric_batch: b\ningest_sql: select {{ region }}\nregion: \"'eu'\"\nprompt_fn: x\n"
        ])
        let result = BatchLoader(folder: folder).load()
        #expect(result.errors.isEmpty)
        #expect(result.notes.map(\.description).sorted() == [
            "b/b.yaml:3: key 'region': not a setting: templates read it as {{ region }}",
            "b/b.yaml:4: key 'prompt_fn': accepted, not acted on: the LLM alert job writes its own prompt "
                + "(replace its instructions with llmalert_detect_prompt and llmalert_verify_prompt)",
        ].sorted())
        let sql = try TemplateRenderer(folder: folder).render("ingest_sql", of: result.batches[0], now: referenceTime)
        #expect(sql == "select 'eu'")

        for typo in ["alert_treshold", "alert_thresohld", "alert_thresholds", "alrt_threshold"] {
            let bad = InMemoryMetricsFolder(["b/b.yaml": "metric_batch: b\ningest_sql: select 1\n\(typo): 0.9\n"])
            #expect(
                BatchLoader(folder: bad).load().errors.map(\.description) == [
                    "b/b.yaml:3: key '\(typo)': unknown key (did you mean 'alert_threshold'?)"
                ], "\(typo)")
        }
        // Outside a file (the API, --set) an unknown key is refused, typo or not.
        let set = BatchLoader(folder: InMemoryMetricsFolder(["b/b.yaml": "metric_batch: b\ningest_sql: select 1\n"]), overrides: ["region=eu"])
        #expect(set.load().errors.map(\.message) == ["unknown key"])
    }

    @Test func oneEditAway() {
        #expect(NearestName.isOneEditAway("abc", "abd"))
        #expect(NearestName.isOneEditAway("abc", "ab"))
        #expect(NearestName.isOneEditAway("ab", "abc"))
        #expect(NearestName.isOneEditAway("acb", "abc"))
        #expect(!NearestName.isOneEditAway("abc", "abc"))
        #expect(!NearestName.isOneEditAway("abc", "cba"))
        #expect(!NearestName.isOneEditAway("abcd", "ab"))
        #expect(!NearestName.isOneEditAway("region", "regions_x"))
    }

    @Test func warehouseTableKeys() throws {
        #expect(TableKey("metrics")?.storeTable == "metrics")
        #expect(TableKey("my-project.metrics.Metrics")?.storeTable == "metrics")
        #expect(TableKey("ANDREWM4894.METRICS.METRICS")?.storeTable == "metrics")
        #expect(TableKey("analytics.metrics")?.storeTable == "metrics")
        for bad in ["a.b.c.d", "a..b", "my-table", "x.my-table", "1abc", "", "a b"] { #expect(TableKey(bad) == nil, "\(bad)") }
        let folder = InMemoryMetricsFolder(["b/b.yaml": "metric_batch: b\ningest_sql: select 1\ndb: bigquery\ntable_key: p-1.ds.metrics\n"])
        #expect(try BatchLoader(folder: folder).loadValid()[0].tableKey == "metrics")
    }

    @Test func wallClockReadsAreFoundPerLanguage() {
        #expect(WallClockUse.find(in: "select get_current_timestamp() as t", language: .sql) == "get_current_timestamp()")
        #expect(WallClockUse.find(in: "where t > DATETIME('now', '-1 day')", language: .sql) == "DATETIME('now')")
        #expect(WallClockUse.find(in: "select {{ now_sql }}", language: .sql) == nil)
        #expect(WallClockUse.find(in: "current_date = pd.to_datetime('now').date()", language: .python) == "to_datetime('now')")
        #expect(WallClockUse.find(in: "stamp = datetime.now()", language: .python) == nil, "pinned to the engine's clock when it runs")
        #expect(WallClockUse.find(in: "def ingest(now):\n    return [now]", language: .python) == nil)
    }
}
