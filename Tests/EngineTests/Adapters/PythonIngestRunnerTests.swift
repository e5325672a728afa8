import Engine
import Fixtures
import Foundation
import Testing

/// The Python runner with real python3: results, a clear missing-module error, captured stderr
/// in failures, and the timeout.
@Suite struct PythonIngestRunnerTests {
    let runner = PythonIngestRunner(workingDirectory: FileManager.default.temporaryDirectory)

    @Test func recordsComeBackAsJSONAndPrintsDoNotCorruptThem() throws {
        let source = """
            def ingest():
                print("hello from ingest")
                return [{"metric_timestamp": "2026-01-15 12:00:00", "metric_name": "m", "metric_value": 1.5}]
            """
        let data = try runner.run(source: source, batch: "b", now: referenceTime, timeout: 30)
        #expect(String(decoding: data, as: UTF8.self) == #"[{"metric_timestamp":"2026-01-15 12:00:00","metric_name":"m","metric_value":1.5}]"#)
    }

    /// A function that takes `now` gets the engine's clock (aware, UTC), not the wall clock.
    @Test func aFunctionThatAsksForNowGetsTheEnginesTime() throws {
        let source = """
            def ingest(now):
                return [{"metric_timestamp": now.isoformat(), "metric_name": "m", "metric_value": 1}]
            """
        let data = try runner.run(source: source, batch: "b", now: referenceTime, timeout: 30)
        #expect(String(decoding: data, as: UTF8.self).contains(#""metric_timestamp":"2026-01-15T12:00:00+00:00""#))
    }

    /// Anomstack's functions read the clock themselves; those reads give the engine's time, so
    /// replay, backfills and `--as-of` move them. Real datetimes still pass isinstance checks.
    @Test func aFunctionThatReadsTheClockItselfGetsTheEnginesTime() throws {
        let source = """
            import datetime, time
            from datetime import datetime as dt, date, timezone
            def ingest():
                stamps = [dt.now(timezone.utc).isoformat(), datetime.datetime.utcnow().isoformat(), str(date.today())]
                real = datetime.datetime.fromtimestamp(0)
                checks = [isinstance(real, dt), isinstance(real, datetime.date), abs(time.time() - 1768478400) < 60]
                return [{"metric_timestamp": " ".join(stamps), "metric_name": str(checks), "metric_value": 1}]
            """
        let data = try runner.run(source: source, batch: "b", now: referenceTime, timeout: 30)
        #expect(
            String(decoding: data, as: UTF8.self)
                == #"[{"metric_timestamp":"2026-01-15T12:00:00+00:00 2026-01-15T12:00:00 2026-01-15","metric_name":"[True, True, True]","metric_value":1}]"#
        )
    }

    /// As Anomstack's examples write it: `pd.Timestamp.now()` gives the engine's time.
    @Test func pandasTimestampNowGivesTheEnginesTime() throws {
        let pandas = PythonIngestRunner(python: try testService("ENGINE_TEST_PYTHON", "pandas"), workingDirectory: runner.workingDirectory)
        let source = """
            import pandas as pd
            def ingest():
                return pd.DataFrame({"metric_timestamp": [pd.Timestamp.now(tz="UTC")], "metric_name": ["m"], "metric_value": [1.0]})
            """
        let data = try pandas.run(source: source, batch: "b", now: referenceTime, timeout: 60)
        #expect(String(decoding: data, as: UTF8.self).contains(#""metric_timestamp":"2026-01-15 12:00:00+00:00""#))
    }

    /// In replay the runner is seeded: the same seed and time draw the same numbers, another time others.
    @Test func aSeededRunnerDrawsTheSameNumbersForTheSameTime() throws {
        let seeded = PythonIngestRunner(workingDirectory: runner.workingDirectory, seed: 7)
        let source = "import random\ndef ingest():\n    return [{'metric_timestamp': '2026-01-15 12:00:00', 'metric_name': 'm', 'metric_value': random.random()}]\n"
        let first = try seeded.run(source: source, batch: "b", now: referenceTime, timeout: 30)
        #expect(try seeded.run(source: source, batch: "b", now: referenceTime, timeout: 30) == first)
        #expect(try seeded.run(source: source, batch: "b", now: referenceTime.addingTimeInterval(3600), timeout: 30) != first)
        #expect(try runner.run(source: source, batch: "b", now: referenceTime, timeout: 30) != first, "unseeded live")
    }

    /// Anomstack's functions log through `get_dagster_logger()`; they run without Dagster, and
    /// what they log goes to stderr, not into the rows.
    @Test func anomstacksDagsterLoggerWorksWithoutDagster() throws {
        let source = """
            from dagster import get_dagster_logger
            def ingest():
                get_dagster_logger().info("fetching")
                return [{"metric_timestamp": "2026-01-15 12:00:00", "metric_name": "m", "metric_value": 2}]
            """
        let data = try runner.run(source: source, batch: "b", now: referenceTime, timeout: 30)
        #expect(String(decoding: data, as: UTF8.self) == #"[{"metric_timestamp":"2026-01-15 12:00:00","metric_name":"m","metric_value":2}]"#)
    }

    @Test func aMissingModuleIsNamed() throws {
        let source = "import surely_not_installed_module\ndef ingest():\n    return []\n"
        #expect {
            try runner.run(source: source, batch: "b", now: referenceTime, timeout: 30)
        } throws: { error in
            "\(error)" == "ingest_fn of b needs the Python module 'surely_not_installed_module', which python3 cannot import: "
                + "install it where the engine runs (pip install surely_not_installed_module), or remove the import"
        }
    }

    @Test func aFailureCarriesTheFunctionsStderr() throws {
        let source = "import sys\ndef ingest():\n    sys.stderr.write('the warehouse said no\\n')\n    raise RuntimeError('boom')\n"
        #expect {
            try runner.run(source: source, batch: "b", now: referenceTime, timeout: 30)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("ingest_fn of b failed (exit 1): ") && text.contains("the warehouse said no") && text.contains("RuntimeError: boom")
        }
    }

    @Test func aFunctionPastItsTimeoutIsStopped() throws {
        let source = "import time\ndef ingest():\n    time.sleep(30)\n    return []\n"
        let started = Date.now
        #expect {
            try runner.run(source: source, batch: "b", now: referenceTime, timeout: 1)
        } throws: { error in
            "\(error)" == "ingest_fn of b ran past ingest_fn_timeout_seconds (1 s) and was stopped"
        }
        #expect(Date.now.timeIntervalSince(started) < 20)
    }
}
