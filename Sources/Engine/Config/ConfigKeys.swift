/// Every key the jobs read, typed. Named after the `BatchConfig` property that reads it; the
/// value when a batch leaves a key out comes from the built-in defaults, never from here.

extension ConfigKey where Value == Int {
    public static var alertDeliveryMaxAttempts: Self { Self("alert_delivery_max_attempts") }
    public static var alertDigestMinN: Self { Self("alert_digest_min_n") }
    public static var alertMaxDaysAgo: Self { Self("alert_metric_timestamp_max_days_ago") }
    public static var alertMaxN: Self { Self("alert_max_n") }
    public static var alertRecentN: Self { Self("alert_recent_n") }
    public static var alertRecoveryN: Self { Self("alert_recovery_n") }
    public static var alertSmoothN: Self { Self("alert_smooth_n") }
    public static var alertSnoozeN: Self { Self("alert_snooze_n") }
    public static var alertForN: Self { Self("alert_for_n") }
    public static var alertForM: Self { Self("alert_for_m") }
    public static var changeDetectLastN: Self { Self("change_detect_last_n") }
    public static var changeMaxDaysAgo: Self { Self("change_metric_timestamp_max_days_ago") }
    public static var changeMaxN: Self { Self("change_max_n") }
    public static var changeShiftWindowN: Self { Self("change_shift_window_n") }
    public static var changeSmoothN: Self { Self("change_smooth_n") }
    public static var changeTrendWindowN: Self { Self("change_trend_window_n") }
    public static var changeSnoozeN: Self { Self("change_snooze_n") }
    public static var dashboardStaleDays: Self { Self("dashboard_stale_metric_max_days_ago") }
    public static var deleteAfterDays: Self { Self("delete_after_n_days") }
    public static var ingestRounding: Self { Self("ingest_metric_rounding") }
    public static var llmMaxTokensPerRun: Self { Self("llm_max_tokens_per_run") }
    public static var llmalertMaxDaysAgo: Self { Self("llmalert_metric_timestamp_max_days_ago") }
    public static var llmalertPromptMaxN: Self { Self("llmalert_prompt_max_n") }
    public static var llmalertRecentN: Self { Self("llmalert_recent_n") }
    public static var llmalertRounding: Self { Self("llmalert_metric_rounding") }
    public static var llmalertSmoothN: Self { Self("llmalert_smooth_n") }
    public static var llmalertSnoozeN: Self { Self("llmalert_snooze_n") }
    public static var plotMaxDaysAgo: Self { Self("plot_metric_timestamp_max_days_ago") }
    public static var plotMaxN: Self { Self("plot_max_n") }
    public static var scoreMaxDaysAgo: Self { Self("score_metric_timestamp_max_days_ago") }
    public static var scoreMaxN: Self { Self("score_max_n") }
    public static var scoreRounding: Self { Self("score_metric_rounding") }
    public static var summaryMaxDaysAgo: Self { Self("summary_metric_timestamp_max_days_ago") }
    public static var tholdalertRecentN: Self { Self("tholdalert_recent_n") }
    public static var tholdalertSnoozeN: Self { Self("tholdalert_snooze_n") }
    public static var trainMaxDaysAgo: Self { Self("train_metric_timestamp_max_days_ago") }
    public static var trainMaxN: Self { Self("train_max_n") }
    public static var trainMinN: Self { Self("train_min_n") }
}

extension ConfigKey where Value == Double {
    public static var alertCriticalThreshold: Self { Self("alert_critical_threshold") }
    public static var alertThreshold: Self { Self("alert_threshold") }
    public static var changeShiftThreshold: Self { Self("change_shift_threshold") }
    public static var changeThreshold: Self { Self("change_threshold") }
    public static var changeTrendThreshold: Self { Self("change_trend_threshold") }
    public static var stuckFactor: Self { Self("stuck_factor") }
    public static var ingestFnTimeout: Self { Self("ingest_fn_timeout_seconds") }
    /// `alert_evaluation_delay`: seconds (an integer) or a span (`10m`, `2h`); null reads as 0.
    public static var alertEvaluationDelay: Self {
        Self("alert_evaluation_delay") { value in
            switch value {
            case .null?: return 0
            case .int(let seconds)? where seconds >= 0: return Double(seconds)
            case .double(let seconds)? where seconds >= 0 && seconds.isFinite: return seconds
            case .string(let text)?:
                if case .span(let seconds)? = try? TimeWindow(parsing: text) { return seconds }
                return nil
            default: return nil
            }
        }
    }
}

extension ConfigKey where Value == Bool {
    /// `disable_<job>` (`disable_alerts` for the alert job): the job is switched off for the batch.
    public static func disabled(_ job: JobKind) -> Self { Self(job == .alert ? "disable_alerts" : "disable_\(job.rawValue)") }
    public static var alertAlways: Self { Self("alert_always") }
    public static var alertExplain: Self { Self("alert_explain") }
    public static var changeBeyondRange: Self { Self("change_beyond_range") }
    public static var disabled: Self { Self("disable_batch") }
    public static var hiddenFromDashboard: Self { Self("disable_dashboard") }
    public static var jobFailureAlert: Self { Self("job_failure_alert") }
    public static var llmalertIncludePlot: Self { Self("llmalert_include_plot") }
    public static var summaryLLM: Self { Self("summary_llm") }
}

extension ConfigKey where Value == String? {
    /// `<job>_cron_schedule`.
    public static func cronSchedule(_ job: String) -> Self { Self(optionalText: "\(job)_cron_schedule") }
    /// `<job>_after`: the job whose success starts this one.
    public static func after(_ job: JobKind) -> Self { Self(optionalText: "\(job.rawValue)_after") }
    /// `<job>_default_schedule_status`: RUNNING or STOPPED before run-time overrides.
    public static func defaultScheduleStatus(_ job: JobKind) -> Self { Self(optionalText: "\(job.rawValue)_default_schedule_status") }
}

extension ConfigKey where Value == String {
    public static var db: Self { Self("db") }
    public static var modelPath: Self { Self("model_path") }
    public static var tableKey: Self { Self("table_key") }
}

extension ConfigKey where Value == String? {
    public static var alertMuteUntil: Self { Self(optionalText: "alert_mute_until") }
    public static var duckdbPath: Self { Self(optionalText: "duckdb_path") }
    public static var sqlitePath: Self { Self(optionalText: "sqlite_path") }
    public static var dashboardURL: Self { Self(optionalText: "dashboard_url") }
    public static var ingestFn: Self { Self(optionalText: "ingest_fn") }
    public static var ingestSQL: Self { Self(optionalText: "ingest_sql") }
    public static var llmalertDetectPrompt: Self { Self(optionalText: "llmalert_detect_prompt") }
    public static var llmalertModel: Self { Self(optionalText: "llmalert_model") }
    public static var llmalertVerifyPrompt: Self { Self(optionalText: "llmalert_verify_prompt") }
}

extension ConfigKey where Value == [String] {
    public static var alertMethods: Self { Self(methods: "alert_methods") }
    public static var changeMethods: Self { Self(methods: "change_alert_methods") }
    public static var jobFailureMethods: Self { Self(methods: "job_failure_methods") }
    public static var llmalertMethods: Self { Self(methods: "llmalert_methods") }
    public static var tholdalertMethods: Self { Self(methods: "tholdalert_methods") }
}

extension ConfigKey where Value == Set<String> {
    /// `<job>_exclude_metrics`: the metrics a job leaves alone.
    public static func excluded(_ job: JobKind) -> Self { Self(names: "\(job.rawValue)_exclude_metrics") }
    public static var changeIncluded: Self { Self(names: "change_include_metrics") }
}

extension ConfigKey where Value == ScoreCombination {
    public static var modelCombinationMethod: Self {
        Self("model_combination_method") { $0?.stringValue.flatMap(ScoreCombination.init) }
    }
}

extension ConfigKey where Value == [ConfigValue] {
    public static var alertRoutes: Self { Self(list: "alert_routes") }
    public static var maintenanceWindows: Self { Self(list: "maintenance_windows") }
    public static var modelConfigs: Self { Self(list: "model_configs") }
}

extension ConfigKey where Value == [String: ConfigValue] {
    public static var alertMuteMetrics: Self { Self(map: "alert_mute_metrics") }
    public static var metricTags: Self { Self(map: "metric_tags") }
    public static var preprocessParams: Self { Self(map: "preprocess_params") }
    public static var templateVars: Self { Self(map: "template_vars") }
    public static var tholdalertThresholds: Self { Self(map: "tholdalert_thresholds") }
}
