import Fixtures
import Foundation
import Testing

@testable import Engine

/// Settings that would overflow a job, and documents that would exhaust memory, are refused when
/// they load, naming the key and the bound (robustness findings D3, D8).
@Suite struct ConfigLimitsTests {
    let minimal = "metric_batch: b\ningest_sql: select 1\n"

    func errors(_ extra: String, settings: [String: String] = [:]) -> [String] {
        let folder = InMemoryMetricsFolder(["b/b.yaml": minimal + extra])
        return BatchLoader(folder: folder, settings: settings.isEmpty ? [:] : ["b": settings]).load().errors.map(\.description)
    }

    @Test(arguments: ["alert_smooth_n", "alert_snooze_n", "alert_recent_n", "score_max_n", "train_max_n", "change_max_n"])
    func countsAtTheIntegerLimitAreRefusedWithTheirRange(_ key: String) {
        #expect(errors("\(key): 9223372036854775807\n") == ["b/b.yaml:3: key '\(key)': must lie between 0 and 10000000, got 9223372036854775807"])
        #expect(errors("\(key): 1.0e300\n").count == 1)
        #expect(errors("\(key): 100\n").isEmpty)
    }

    @Test func aSettingSavedFromTheDashboardMeetsTheSameBound() {
        #expect(
            errors("", settings: ["alert_smooth_n": "9223372036854775807"])
                == ["settings: key 'alert_smooth_n': must lie between 0 and 10000000, got 9223372036854775807"])
    }

    @Test func daysRoundingAndDetectorParametersHaveTheirOwnRanges() {
        #expect(errors("train_metric_timestamp_max_days_ago: 100000\n").isEmpty)  // the usual "no limit"
        #expect(
            errors("train_metric_timestamp_max_days_ago: -1\n")
                == ["b/b.yaml:3: key 'train_metric_timestamp_max_days_ago': must lie between 0 and 10000000, got -1"])
        #expect(errors("ingest_metric_rounding: 400\n") == ["b/b.yaml:3: key 'ingest_metric_rounding': must lie between -100 and 100, got 400"])
        #expect(errors("ingest_metric_rounding: -1\nllmalert_metric_rounding: 8\n").isEmpty)
        #expect(
            errors("preprocess_params:\n  lags_n: 99999999\n")
                == ["b/b.yaml:3: key 'preprocess_params': 'lags_n' must lie between 0 and 10000, got 99999999"])
        #expect(
            errors("model_configs:\n  - model_name: KNN\n    model_params: {n_neighbors: 9223372036854775807}\n")
                == ["b/b.yaml:3: key 'model_configs': entry 1 (KNN): 'n_neighbors' must lie between 1 and 100000, got 9223372036854775807"])
    }

    @Test func aBillionLaughsDocumentIsRefusedBeforeItExpands() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        #expect {
            try ConfigDocument(path: "bomb.yaml", text: yaml)
        } throws: { error in
            "\(error)".contains("bomb.yaml") && "\(error)".contains("expands to more than 100000 values")
        }
        // The same through a single setting's text (environment, --set, the API).
        #expect(ConfigValue.scalar("[&a [x, x, x, x, x, x, x, x, x, x], [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]]").listValue?.count == 2)
    }

    /// Found by the fuzzing target: Yams computes YAML 1.1's base-60 integers without overflow
    /// checks, so this one value trapped any loader of the file.
    @Test func aBase60IntegerTooLargeForIntIsAStringNotATrap() throws {
        let document = try ConfigDocument(path: "b.yaml", text: "big: 202022222222222222:3\nsmall: 1:30\nnegative: -1:00:00\n")
        #expect(document.values["big"] == .string("202022222222222222:3"))
        #expect(document.values["small"] == .int(90))
        #expect(document.values["negative"] == .int(-3600))
        #expect(errors("alert_smooth_n: 202022222222222222:3\n") == ["b/b.yaml:3: key 'alert_smooth_n': expected an integer, got a string"])
    }

    @Test func anOversizedDocumentIsRefusedUnread() {
        let text = "metric_batch: b\n# " + String(repeating: "x", count: ConfigDocument.maxBytes) + "\n"
        #expect { try ConfigDocument(path: "big.yaml", text: text) } throws: { "\($0)".contains("a configuration file may hold at most") }
    }

    @Test func aCronThatNeverFiresIsRefused() {
        #expect(errors("ingest_cron_schedule: \"0 0 30 2 *\"\n").first?.contains("never fires") == true)
        #expect(errors("ingest_cron_schedule: \"0 0 31 4,6,9,11 *\"\n").first?.contains("never fires") == true)
        #expect(errors("ingest_cron_schedule: \"0 0 29 2 *\"\n").isEmpty)
        #expect(errors("ingest_cron_schedule: \"0 0 30 2 1\"\n").isEmpty)  // either day field matches: Mondays in February
    }
}
