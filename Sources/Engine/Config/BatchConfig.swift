import Foundation

/// One detector entry of `model_configs`.
public struct ModelConfig: Sendable, Hashable {
    public var name: String
    public var tag: String
    public var params: [String: ConfigValue]

    public init(name: String, tag: String, params: [String: ConfigValue]) {
        self.name = name
        self.tag = tag
        self.params = params
    }
}

/// How detector scores combine into the metric's score.
public enum ScoreCombination: String, Sendable, Hashable {
    case mean, min, max

    public func combine(_ scores: [Double]) -> Double {
        switch self {
        case .mean: return scores.reduce(0, +) / Double(scores.count)
        case .min: return scores.min() ?? 0
        case .max: return scores.max() ?? 0
        }
    }
}

/// The settings of the preprocessing chain.
public struct PreprocessParams: Sendable, Hashable {
    public var diffN: Int
    public var smoothN: Int
    public var lagsN: Int
    public var freq: ResampleFrequency?
    public var freqAgg: ResampleAggregation
    /// Subtract the value one season earlier (matched by time) before differencing; nil = off.
    public var season: ResampleFrequency?

    public init(diffN: Int = 1, smoothN: Int = 3, lagsN: Int = 5, freq: ResampleFrequency? = nil, freqAgg: ResampleAggregation = .mean,
                season: ResampleFrequency? = nil) {
        self.diffN = diffN
        self.smoothN = smoothN
        self.lagsN = lagsN
        self.freq = freq
        self.freqAgg = freqAgg
        self.season = season
    }

    /// Points consumed before the first feature row exists.
    public var warmup: Int { diffN + max(smoothN - 1, 0) + lagsN }
}

/// A metric batch's merged, validated configuration: typed fields for the jobs, and the raw
/// values for templates.
public struct BatchConfig: Sendable {
    public var name: String
    /// The batch's YAML file, relative to the metrics folder.
    public var file: String
    public var values: [String: ConfigValue]

    public var db: String { string("db") ?? "sqlite" }
    public var tableKey: String { string("table_key") ?? "metrics" }
    public var modelPath: String { string("model_path") ?? "local://./models" }
    public var ingestSQL: String? { nonEmpty("ingest_sql") }
    public var ingestFn: String? { nonEmpty("ingest_fn") }
    public var ingestFnTimeout: TimeInterval { values["ingest_fn_timeout_seconds"]?.doubleValue ?? 600 }
    public var ingestRounding: Int { int("ingest_metric_rounding") ?? 4 }
    public var disabled: Bool { bool("disable_batch") ?? false }

    public var models: [ModelConfig] {
        (values["model_configs"]?.listValue ?? []).compactMap { entry in
            guard let map = entry.mapValue, let name = map["model_name"]?.stringValue else { return nil }
            return ModelConfig(name: name, tag: map["model_tag"]?.stringValue ?? name.lowercased(),
                               params: map["model_params"]?.mapValue ?? [:])
        }
    }
    public var combination: ScoreCombination { string("model_combination_method").flatMap(ScoreCombination.init) ?? .mean }
    public var preprocess: PreprocessParams {
        let p = values["preprocess_params"]?.mapValue ?? [:]
        return PreprocessParams(diffN: p["diff_n"]?.intValue ?? 1, smoothN: p["smooth_n"]?.intValue ?? 3,
                                lagsN: p["lags_n"]?.intValue ?? 5, freq: p["freq"]?.stringValue.flatMap(ResampleFrequency.init),
                                freqAgg: p["freq_agg"]?.stringValue.flatMap(ResampleAggregation.init) ?? .mean,
                                season: p["season"]?.stringValue.flatMap(ResampleFrequency.init))
    }

    public var trainMaxN: Int { int("train_max_n") ?? 2500 }
    public var trainMinN: Int { int("train_min_n") ?? 14 }
    public var trainMaxDaysAgo: Int { int("train_metric_timestamp_max_days_ago") ?? 90 }
    public var scoreMaxN: Int { int("score_max_n") ?? 25 }
    public var scoreMaxDaysAgo: Int { int("score_metric_timestamp_max_days_ago") ?? 14 }

    public var alertThreshold: Double { values["alert_threshold"]?.doubleValue ?? 0.8 }
    public var alertRecentN: Int { int("alert_recent_n") ?? 24 }
    public var alertSmoothN: Int { int("alert_smooth_n") ?? 3 }
    public var alertSnoozeN: Int { int("alert_snooze_n") ?? 3 }
    public var alertMaxN: Int { int("alert_max_n") ?? 250 }
    public var alertMaxDaysAgo: Int { int("alert_metric_timestamp_max_days_ago") ?? 45 }
    public var alertAlways: Bool { bool("alert_always") ?? false }
    public var alertMethods: [String] { methods("alert_methods") }

    public var alertCriticalThreshold: Double { values["alert_critical_threshold"]?.doubleValue ?? 0.95 }
    public var alertRecoveryN: Int { int("alert_recovery_n") ?? 0 }
    public var dashboardURL: String? { nonEmpty("dashboard_url") }

    public var changeThreshold: Double { values["change_threshold"]?.doubleValue ?? 3.5 }
    public var changeDetectLastN: Int { int("change_detect_last_n") ?? 1 }
    public var changeSnoozeN: Int { int("change_snooze_n") ?? 3 }
    public var changeMaxN: Int { int("change_max_n") ?? 250 }
    public var changeMaxDaysAgo: Int { int("change_metric_timestamp_max_days_ago") ?? 30 }
    public var changeIncluded: Set<String> { stringSet("change_include_metrics") }
    public var changeShiftWindowN: Int { int("change_shift_window_n") ?? 0 }
    public var changeShiftThreshold: Double { values["change_shift_threshold"]?.doubleValue ?? 3.5 }
    public var changeBeyondRange: Bool { bool("change_beyond_range") ?? false }
    public var changeMethods: [String] { methods("change_alert_methods") }

    public var tholdalertRecentN: Int { int("tholdalert_recent_n") ?? 1 }
    public var tholdalertSnoozeN: Int { int("tholdalert_snooze_n") ?? 3 }
    public var tholdalertMethods: [String] { methods("tholdalert_methods") }
    /// `tholdalert_thresholds`: metric name to its bounds (either may be absent).
    public var tholdalertThresholds: [String: (lower: Double?, upper: Double?)] {
        var out: [String: (lower: Double?, upper: Double?)] = [:]
        for (metric, bounds) in values["tholdalert_thresholds"]?.mapValue ?? [:] {
            let map = bounds.mapValue ?? [:]
            out[metric] = (map["lower"]?.doubleValue, map["upper"]?.doubleValue)
        }
        return out
    }

    public var plotMaxN: Int { int("plot_max_n") ?? 250 }
    public var deleteAfterDays: Int { int("delete_after_n_days") ?? 365 }
    public var jobFailureAlert: Bool { bool("job_failure_alert") ?? false }
    public var llmalertRecentN: Int { int("llmalert_recent_n") ?? 5 }
    public var llmalertSmoothN: Int { int("llmalert_smooth_n") ?? 0 }
    public var llmalertRounding: Int { int("llmalert_metric_rounding") ?? -1 }
    public var llmalertPromptMaxN: Int { int("llmalert_prompt_max_n") ?? 1000 }
    public var llmalertMaxDaysAgo: Int { int("llmalert_metric_timestamp_max_days_ago") ?? 30 }
    public var llmalertSnoozeN: Int { int("llmalert_snooze_n") ?? 3 }
    public var llmalertMethods: [String] { methods("llmalert_methods") }
    public var llmalertDetectPrompt: String? { nonEmpty("llmalert_detect_prompt") }
    public var llmalertVerifyPrompt: String? { nonEmpty("llmalert_verify_prompt") }
    public var llmMaxTokensPerRun: Int { int("llm_max_tokens_per_run") ?? 50_000 }
    public var llmalertModel: String? { nonEmpty("llmalert_model") }
    public var alertExplain: Bool { bool("alert_explain") ?? false }
    public var alertDigestMinN: Int { int("alert_digest_min_n") ?? 0 }
    public var summaryLLM: Bool { bool("summary_llm") ?? false }
    public var jobFailureMethods: [String] { methods("job_failure_methods") }

    /// The job after whose success `job` runs (`<job>_after`), if any.
    public func runsAfter(_ job: JobKind) -> JobKind? { string("\(job.rawValue)_after").flatMap(JobKind.init) }

    /// Whether `job`'s schedule starts RUNNING (`<job>_default_schedule_status`), before run-time overrides.
    public func scheduledByDefault(_ job: JobKind) -> Bool {
        string("\((job.follows ?? job).rawValue)_default_schedule_status") == "RUNNING"
    }
    public var plotMaxDaysAgo: Int { int("plot_metric_timestamp_max_days_ago") ?? 25 }

    /// Whether a job is switched off for this batch (`disable_<job>`; alerts use `disable_alerts`).
    public func isDisabled(_ job: JobKind) -> Bool {
        bool(job == .alert ? "disable_alerts" : "disable_\(job.rawValue)") ?? false
    }

    /// The metrics a job must leave alone (`<job>_exclude_metrics`).
    public func excluded(for job: JobKind) -> Set<String> {
        stringSet("\(job.rawValue)_exclude_metrics")
    }

    /// A job's cron string.
    public func cronSchedule(_ job: String) -> String? { string("\(job)_cron_schedule") }

    /// The tags of a metric from `metric_tags`, as strings.
    public func tags(for metric: String) -> [String: String] {
        (values["metric_tags"]?.mapValue?[metric]?.mapValue ?? [:]).compactMapValues(\.scalarText)
    }

    func string(_ key: String) -> String? { values[key]?.stringValue }
    func int(_ key: String) -> Int? { values[key]?.intValue }
    func bool(_ key: String) -> Bool? { values[key]?.boolValue }
    func nonEmpty(_ key: String) -> String? {
        guard let s = string(key), !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return s
    }
    func stringSet(_ key: String) -> Set<String> {
        Set((values[key]?.listValue ?? []).compactMap(\.stringValue))
    }
    func methods(_ key: String) -> [String] {
        (string(key) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.sorted()
    }
}
