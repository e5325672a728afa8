/// Anomstack's keys that this engine spells differently or does not act on, so an Anomstack
/// metrics folder loads as it is and `engine validate` says, once per file that sets one, what
/// becomes of it.
public enum AnomstackKeys {
    /// Anomstack's name → the engine's key of the same meaning. Anomstack's `defaults.yaml` sets
    /// `disable_alert` while its alert job reads `disable_alerts`; both switch the alert job off here.
    public static let aliases: [String: String] = [
        "disable_alert": "disable_alerts",
        "llmalert_anomaly_agent_detection_prompt": "llmalert_detect_prompt",
        "llmalert_anomaly_agent_verification_prompt": "llmalert_verify_prompt",
    ]

    /// Keys accepted and not acted on, each with the reason `engine validate` gives.
    public static let ignored: [String: String] = {
        var keys: [String: String] = [:]
        let sql = "Anomstack's SQL for reading its own metrics table; the engine's jobs read its store directly"
        for key in [
            "train_sql", "score_sql", "alert_sql", "change_sql", "plot_sql", "llmalert_sql", "dashboard_sql", "delete_sql",
            "summary_sql", "metric_sql",
        ] { keys[key] = sql }
        keys["prompt_fn"] =
            "the LLM alert job writes its own prompt (replace its instructions with llmalert_detect_prompt and llmalert_verify_prompt)"
        keys["preprocess_fn"] =
            "the built-in preprocessing (preprocess_params: diff_n, smooth_n, lags_n, freq, freq_agg, season) runs instead; "
            + "a batch file that sets its own preprocess_fn has it run"
        return keys
    }()

    /// Renames the aliases `values` sets to the engine's keys (their lines follow them). A file
    /// that sets both an alias and its key gets an error naming the two.
    static func translate(_ document: inout ConfigDocument) -> [ConfigError] {
        var errors: [ConfigError] = []
        for (alias, key) in aliases.sorted(by: { $0.key < $1.key }) {
            guard let value = document.values.removeValue(forKey: alias) else { continue }
            let line = document.keyLines.removeValue(forKey: alias)
            if document.values[key] != nil {
                errors.append(
                    ConfigError(file: document.path, key: alias, line: line, message: "is Anomstack's name for '\(key)', which is set too: keep one"))
                continue
            }
            document.values[key] = value
            document.keyLines[key] = line
        }
        return errors
    }
}
