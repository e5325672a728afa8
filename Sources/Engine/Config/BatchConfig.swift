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
    /// What a missing point means (`missing_data`).
    public var missingData: MissingDataPolicy = .skip

    public init(
        diffN: Int = 1, smoothN: Int = 3, lagsN: Int = 5, freq: ResampleFrequency? = nil, freqAgg: ResampleAggregation = .mean,
        season: ResampleFrequency? = nil
    ) {
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
    /// The batch's own `preprocess_fn`, set in its file (not inherited from the folder's
    /// defaults, where Anomstack's stock one lives): the jobs run it instead of the built-in
    /// preprocessing. Nil when the batch brings none.
    public var preprocessFunction: String? = nil

    public var db: String { self[.db] }
    /// The table of the engine's store that holds the batch's rows (`table_key`, or its last part
    /// for a warehouse path such as `project.dataset.table`).
    public var tableKey: String { TableKey(self[.tableKey])?.storeTable ?? self[.tableKey] }
    public var modelPath: String { self[.modelPath] }
    public var ingestSQL: String? { self[.ingestSQL] }
    public var ingestFn: String? { self[.ingestFn] }
    public var ingestFnTimeout: TimeInterval { self[.ingestFnTimeout] }
    public var ingestRounding: Int { self[.ingestRounding] }
    public var disabled: Bool { self[.disabled] }
    /// Whether the dashboard's pages list the batch (`disable_dashboard` off); its jobs run either way.
    public var onDashboard: Bool { !self[.hiddenFromDashboard] }
    /// Days after its latest point that a metric counts as stale (Anomstack's
    /// `dashboard_stale_metric_max_days_ago`): the batch page leaves it out unless asked; 0 or
    /// less never.
    public var dashboardStaleDays: Int { self[.dashboardStaleDays] }

    public var models: [ModelConfig] {
        self[.modelConfigs].compactMap { entry in
            guard let map = entry.mapValue, let name = map["model_name"]?.stringValue else { return nil }
            return ModelConfig(
                name: name, tag: map["model_tag"]?.stringValue ?? name.lowercased(),
                params: map["model_params"]?.mapValue ?? [:])
        }
    }
    public var combination: ScoreCombination { self[.modelCombinationMethod] }
    public var preprocess: PreprocessParams {
        // Nested maps merge key by key, so a batch's own entries sit over the built-in ones.
        let p = BuiltinDefaults.values["preprocess_params"]?.mapValue?.merging(self[.preprocessParams]) { $1 } ?? self[.preprocessParams]
        func count(_ key: String) -> Int {
            guard let n = p[key]?.intValue else { preconditionFailure("the built-in preprocess_params lack '\(key)'") }
            return n
        }
        var params = PreprocessParams(
            diffN: count("diff_n"), smoothN: count("smooth_n"), lagsN: count("lags_n"),
            freq: p["freq"]?.stringValue.flatMap(ResampleFrequency.init),
            freqAgg: p["freq_agg"]?.stringValue.flatMap(ResampleAggregation.init) ?? .mean,
            season: p["season"]?.stringValue.flatMap(ResampleFrequency.init))
        params.missingData = values["missing_data"]?.stringValue.flatMap(MissingDataPolicy.init) ?? .skip
        return params
    }

    public var trainMaxN: Int { self[.trainMaxN] }
    public var trainMinN: Int { self[.trainMinN] }
    public var trainMaxDaysAgo: Int { self[.trainMaxDaysAgo] }
    public var scoreMaxN: Int { self[.scoreMaxN] }
    public var scoreMaxDaysAgo: Int { self[.scoreMaxDaysAgo] }

    public var alertThreshold: Double { self[.alertThreshold] }
    public var alertRecentN: Int { self[.alertRecentN] }
    public var alertSmoothN: Int { self[.alertSmoothN] }
    public var alertSnoozeN: Int { self[.alertSnoozeN] }
    /// Points in a row (`alert_for_n`) of which `alertForM` must reach the threshold before one alerts.
    public var alertForN: Int { max(self[.alertForN], 1) }
    /// How many of the last `alertForN` points must reach the threshold (`alert_for_m`; 0 for all).
    public var alertForM: Int {
        let m = self[.alertForM]
        return m < 1 || m > alertForN ? alertForN : m
    }
    /// How old a point must be before the alert job judges it (`alert_evaluation_delay`), in seconds.
    public var alertEvaluationDelay: TimeInterval { self[.alertEvaluationDelay] }
    public var alertMaxN: Int { self[.alertMaxN] }
    public var alertMaxDaysAgo: Int { self[.alertMaxDaysAgo] }
    public var alertAlways: Bool { self[.alertAlways] }
    public var alertMethods: [String] { self[.alertMethods] }

    public var alertCriticalThreshold: Double { self[.alertCriticalThreshold] }
    public var alertRecoveryN: Int { self[.alertRecoveryN] }
    public var dashboardURL: String? { self[.dashboardURL] }

    public var changeThreshold: Double { self[.changeThreshold] }
    public var changeDetectLastN: Int { self[.changeDetectLastN] }
    public var changeSnoozeN: Int { self[.changeSnoozeN] }
    public var changeMaxN: Int { self[.changeMaxN] }
    public var changeMaxDaysAgo: Int { self[.changeMaxDaysAgo] }
    public var changeIncluded: Set<String> { self[.changeIncluded] }
    public var changeShiftWindowN: Int { self[.changeShiftWindowN] }
    public var changeShiftThreshold: Double { self[.changeShiftThreshold] }
    public var changeBeyondRange: Bool { self[.changeBeyondRange] }
    public var changeMethods: [String] { self[.changeMethods] }

    public var tholdalertRecentN: Int { self[.tholdalertRecentN] }
    public var tholdalertSnoozeN: Int { self[.tholdalertSnoozeN] }
    public var tholdalertMethods: [String] { self[.tholdalertMethods] }
    /// `tholdalert_thresholds`: metric name to its bounds (either may be absent).
    public var tholdalertThresholds: [String: (lower: Double?, upper: Double?)] {
        var out: [String: (lower: Double?, upper: Double?)] = [:]
        for (metric, bounds) in self[.tholdalertThresholds] {
            let map = bounds.mapValue ?? [:]
            out[metric] = (map["lower"]?.doubleValue, map["upper"]?.doubleValue)
        }
        return out
    }

    public var plotMaxN: Int { self[.plotMaxN] }
    public var deleteAfterDays: Int { self[.deleteAfterDays] }
    public var jobFailureAlert: Bool { self[.jobFailureAlert] }
    public var llmalertRecentN: Int { self[.llmalertRecentN] }
    public var llmalertSmoothN: Int { self[.llmalertSmoothN] }
    public var llmalertRounding: Int { self[.llmalertRounding] }
    public var llmalertPromptMaxN: Int { self[.llmalertPromptMaxN] }
    public var llmalertMaxDaysAgo: Int { self[.llmalertMaxDaysAgo] }
    public var llmalertSnoozeN: Int { self[.llmalertSnoozeN] }
    public var llmalertMethods: [String] { self[.llmalertMethods] }
    public var llmalertDetectPrompt: String? { self[.llmalertDetectPrompt] }
    public var llmalertVerifyPrompt: String? { self[.llmalertVerifyPrompt] }
    public var llmMaxTokensPerRun: Int { self[.llmMaxTokensPerRun] }
    public var llmalertModel: String? { self[.llmalertModel] }
    public var alertExplain: Bool { self[.alertExplain] }
    public var alertDigestMinN: Int { self[.alertDigestMinN] }
    public var summaryLLM: Bool { self[.summaryLLM] }
    public var jobFailureMethods: [String] { self[.jobFailureMethods] }

    /// The job after whose success `job` runs (`<job>_after`), if any.
    public func runsAfter(_ job: JobKind) -> JobKind? { self[.after(job)].flatMap(JobKind.init) }

    /// Whether `job`'s schedule starts RUNNING (`<job>_default_schedule_status`), before run-time overrides.
    public func scheduledByDefault(_ job: JobKind) -> Bool {
        self[.defaultScheduleStatus(job.follows ?? job)] == "RUNNING"
    }
    public var plotMaxDaysAgo: Int { self[.plotMaxDaysAgo] }

    /// Whether a job is switched off for this batch (`disable_<job>`; alerts use `disable_alerts`).
    public func isDisabled(_ job: JobKind) -> Bool {
        self[.disabled(job)]
    }

    /// The metrics a job must leave alone (`<job>_exclude_metrics`).
    public func excluded(for job: JobKind) -> Set<String> {
        self[.excluded(job)]
    }

    /// A job's cron string.
    public func cronSchedule(_ job: String) -> String? { self[.cronSchedule(job)] }

    /// The tags of a metric from `metric_tags`, as strings.
    public func tags(for metric: String) -> [String: String] {
        (self[.metricTags][metric]?.mapValue ?? [:]).compactMapValues(\.scalarText)
    }

    /// A key's value: the batch's own, else the built-in default. Every key constant has a
    /// readable built-in default (a test reads each), so the last branch is a programming error.
    public subscript<Value>(key: ConfigKey<Value>) -> Value {
        if let value = key.read(values[key.name]) { return value }
        if let value = key.read(BuiltinDefaults.values[key.name]) { return value }
        preconditionFailure("the built-in defaults have no \(Value.self) for '\(key.name)'")
    }

    /// Sets a key to `value` (the backtester widens windows this way).
    public mutating func set<Value>(_ key: ConfigKey<Value>, to value: ConfigValue) {
        values[key.name] = value
    }
}
