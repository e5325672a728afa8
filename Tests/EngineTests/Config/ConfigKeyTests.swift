import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct ConfigKeyTests {
    let bare = BatchConfig(name: "bare", file: "bare.yaml", values: [:])

    @Test func everyTypedKeyReadsFromTheBuiltInDefaults() throws {
        // A batch that sets nothing reads every key from defaults.yaml; a key without a readable
        // default would stop the process here.
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("metrics/defaults/defaults.yaml"), encoding: .utf8)
        let defaults = try ConfigDocument(path: "defaults.yaml", text: text).values
        #expect(bare.trainMaxN == defaults["train_max_n"]?.intValue)
        #expect(bare.alertThreshold == defaults["alert_threshold"]?.doubleValue)
        #expect(bare.alertSmoothN == defaults["alert_smooth_n"]?.intValue, "the 3 that BatchConfig once hard-coded drifted from 1")
        #expect(bare.changeBeyondRange == defaults["change_beyond_range"]?.boolValue, "false once drifted from True")
        #expect(bare.db == "sqlite" && bare.tableKey == "metrics" && bare.combination == .mean)
        #expect(bare.ingestSQL == nil && bare.ingestFn == nil && bare.dashboardURL == nil)
        let preprocess = defaults["preprocess_params"]?.mapValue ?? [:]
        #expect(bare.preprocess.diffN == preprocess["diff_n"]?.intValue && bare.preprocess.lagsN == preprocess["lags_n"]?.intValue)
        var lagged = bare
        lagged.values["preprocess_params"] = .map(["lags_n": .int(2)])
        #expect(lagged.preprocess.lagsN == 2 && lagged.preprocess.smoothN == bare.preprocess.smoothN, "entries merge one by one")
        let counts = [
            bare.ingestRounding, bare.trainMinN, bare.trainMaxDaysAgo, bare.scoreMaxN, bare.scoreMaxDaysAgo, bare.alertRecentN,
            bare.alertSnoozeN, bare.alertMaxN, bare.alertMaxDaysAgo, bare.alertRecoveryN, bare.changeDetectLastN,
            bare.changeSnoozeN, bare.changeMaxN, bare.changeMaxDaysAgo, bare.changeShiftWindowN, bare.tholdalertRecentN,
            bare.tholdalertSnoozeN, bare.plotMaxN, bare.plotMaxDaysAgo, bare.deleteAfterDays, bare.llmalertRecentN,
            bare.llmalertSmoothN, bare.llmalertRounding, bare.llmalertPromptMaxN, bare.llmalertMaxDaysAgo,
            bare.llmalertSnoozeN, bare.llmMaxTokensPerRun, bare.alertDigestMinN, bare[.alertDeliveryMaxAttempts],
        ]
        #expect(counts.count == 29)
        _ = (
            bare.ingestFnTimeout, bare.disabled, bare.alertAlways, bare.alertMethods, bare.alertCriticalThreshold,
            bare.changeThreshold, bare.changeIncluded, bare.changeShiftThreshold, bare.changeMethods, bare.tholdalertMethods,
            bare.tholdalertThresholds, bare.jobFailureAlert, bare.llmalertMethods, bare.llmalertDetectPrompt,
            bare.llmalertVerifyPrompt, bare.llmalertModel, bare.alertExplain, bare.summaryLLM, bare.jobFailureMethods, bare.models
        )
        for job in JobKind.allCases {
            _ = (bare.isDisabled(job), bare.excluded(for: job), bare.scheduledByDefault(job), bare.runsAfter(job))
        }
    }

    @Test func aBatchValueWinsAndAValueOfTheWrongTypeFallsBack() {
        var batch = bare
        batch.set(.alertSmoothN, to: .int(7))
        batch.values["alert_threshold"] = .string("high")
        batch.values["ingest_sql"] = .string("   ")
        batch.values["alert_methods"] = .string(" slack, email ,")
        #expect(batch.alertSmoothN == 7)
        #expect(batch.alertThreshold == bare.alertThreshold)
        #expect(batch.ingestSQL == nil, "blank text reads as absent")
        #expect(batch.alertMethods == ["email", "slack"])
    }

    @Test func theSchemaAndTheJobsNameKeysThroughTheSameConstants() {
        let raw: [String: ConfigValue] = ["alert_threshold": .double(0.9)]
        #expect(raw[ConfigKey<Double>.alertThreshold] == .double(0.9))
        #expect(ConfigKey<Bool>.disabled(.alert).name == "disable_alerts")
        #expect(ConfigKey<Set<String>>.excluded(.plot).name == "plot_exclude_metrics")
    }

    /// Table and batch identifiers: an ASCII letter or underscore, then ASCII letters, digits
    /// and underscores; nothing else, whatever Unicode calls a letter.
    @Test func identifiersAreASCIILettersDigitsAndUnderscores() {
        for good in ["metrics", "_x", "M_2", "a1b2", "Z"] { #expect(ConfigSchema.isIdentifier(good), "\(good)") }
        for bad in ["", "1a", "a-b", "a.b", "a b", "é", "aé", "a\u{0}", "ß_x", "a;drop"] {
            #expect(!ConfigSchema.isIdentifier(bad), "\(bad)")
        }
    }
}
