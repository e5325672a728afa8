import Foundation

/// The keys a batch may set and what each must hold. Kinds come from the built-in defaults'
/// values; a handful of keys that only batches set, and the value rules no type can express
/// (cron strings, enumerations, ranges), are listed here.
public struct ConfigSchema: Sendable {
    /// What a key must hold.
    public enum Kind: Sendable, Hashable {
        case bool, int, number, string, list, map, any

        var name: String {
            switch self {
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .number: return "a number"
            case .string: return "a string"
            case .list: return "a list"
            case .map: return "a map"
            case .any: return "any value"
            }
        }
    }

    public let kinds: [String: Kind]
    let preprocessKeys: [String: Kind]

    /// Keys only a batch file sets (they have no default): among them the event triggers
    /// `<job>_after: <other job>` (run the job whenever the other one succeeds).
    static let batchOnlyKeys: [String: Kind] = {
        var keys: [String: Kind] = ["metric_batch": .string, "ingest_sql": .string, "ingest_fn": .string]
        for job in JobKind.allCases where job.follows == nil { keys["\(job.rawValue)_after"] = .string }
        return keys
    }()
    /// Keys whose values take more than one type, each checked by a rule of its own in `checkValues`.
    static let mixedKeys: Set<String> = ["no_data_after"]
    static let databases = ["sqlite", "duckdb", "motherduck", "bigquery", "snowflake", "clickhouse", "turso", "redshift", "postgres"]

    public init(defaults: [String: ConfigValue]) {
        var kinds: [String: Kind] = [:]
        for (key, value) in defaults { kinds[key] = Self.kind(of: value) }
        for (key, kind) in Self.batchOnlyKeys { kinds[key] = kind }
        for key in Self.mixedKeys { kinds[key] = .any }
        for key in AnomstackKeys.ignored.keys where kinds[key] == nil { kinds[key] = .any }
        self.kinds = kinds
        var preprocess: [String: Kind] = [:]
        for (key, value) in defaults["preprocess_params"]?.mapValue ?? [:] { preprocess[key] = Self.kind(of: value) }
        preprocessKeys = preprocess
    }

    static func kind(of value: ConfigValue) -> Kind {
        switch value {
        case .null: return .any
        case .bool: return .bool
        case .int: return .int
        case .double: return .number
        case .string: return .string
        case .list: return .list
        case .map: return .map
        }
    }

    static func conforms(_ value: ConfigValue, to kind: Kind) -> Bool {
        switch (kind, value) {
        case (.any, _), (.bool, .bool), (.int, .int), (.number, .int), (.number, .double), (.string, .string),
            (.list, .list), (.map, .map), (.list, .null), (.map, .null):
            return true
        case (.int, .double(let d)):
            return d.rounded() == d
        default:
            return false
        }
    }

    /// What `checkKeys` found: errors, and notes on keys accepted as they are.
    public struct KeyCheck: Sendable {
        public var errors: [ConfigError] = []
        public var notes: [ConfigError] = []
    }

    /// Checks the keys a source sets, naming `file` and the line of each key where known. In a
    /// batch or defaults file (`ownKeys`), as in Anomstack, a key that is no setting is the
    /// file's own, for its templates to read (a note), unless it is one typo away from a setting
    /// (an error naming it); elsewhere (`--set`, the environment, the API) it is an error. A key
    /// of Anomstack's that the engine does not act on gets a note saying why.
    public func checkKeys(_ values: [String: ConfigValue], file: String, lines: [String: Int], ownKeys: Bool = false) -> KeyCheck {
        var check = KeyCheck()
        for key in values.keys.sorted() {
            // A batch's own preprocess_fn runs; only the folder's (Anomstack's stock one) is noted.
            if let reason = AnomstackKeys.ignored[key], values[key] != .null, key != "preprocess_fn" || file == BuiltinDefaults.path {
                check.notes.append(ConfigError(file: file, key: key, line: lines[key], message: "accepted, not acted on: \(reason)"))
            }
            guard kinds[key] == nil else { continue }
            let typoOf = kinds.keys.sorted().first { NearestName.isOneEditAway(key, $0) }
            if ownKeys, typoOf == nil {
                check.notes.append(
                    ConfigError(file: file, key: key, line: lines[key], message: "not a setting: templates read it as {{ \(key) }}"))
                continue
            }
            let hint = (typoOf ?? NearestName.nearest(to: key, among: Array(kinds.keys))).map { " (did you mean '\($0)'?)" } ?? ""
            check.errors.append(ConfigError(file: file, key: key, line: lines[key], message: "unknown key\(hint)"))
        }
        return check
    }

    /// Checks every value of a merged batch configuration. `origin` says which file (and line) set a key.
    public func checkValues(_ values: [String: ConfigValue], origin: (String) -> (file: String, line: Int?)) -> [ConfigError] {
        var errors: [ConfigError] = []
        func fail(_ key: String, _ message: String) {
            let (file, line) = origin(key)
            errors.append(ConfigError(file: file, key: key, line: line, message: message))
        }
        for key in values.keys.sorted() {
            guard let kind = kinds[key], let value = values[key] else { continue }
            guard Self.conforms(value, to: kind) else {
                fail(key, "expected \(kind.name), got \(value.kindName)")
                continue
            }
            if key.hasSuffix("_cron_schedule"), let text = value.stringValue {
                do { _ = try CronExpression(text) } catch { fail(key, "\(error)") }
            }
            if key.hasSuffix("_default_schedule_status"), let text = value.stringValue, !["RUNNING", "STOPPED"].contains(text) {
                fail(key, "expected RUNNING or STOPPED, got '\(text)'")
            }
            if key.hasSuffix("_after"), Self.batchOnlyKeys[key] != nil, let text = value.stringValue {
                let job = String(key.dropLast("_after".count))
                let names = JobKind.allCases.filter { $0.follows == nil }.map(\.rawValue)
                if !names.contains(text) {
                    let hint = NearestName.nearest(to: text, among: names).map { " (did you mean '\($0)'?)" } ?? ""
                    fail(key, "unknown job '\(text)'\(hint)")
                } else if text == job {
                    fail(key, "a job cannot run after itself")
                }
            }
            if kind == .int, let problem = IntegerBounds.problem(value, in: IntegerBounds.range(for: key)) {
                fail(key, problem)
            }
        }
        if let method = values[.modelCombinationMethod]?.stringValue, !["mean", "min", "max"].contains(method) {
            fail("model_combination_method", "expected mean, min or max, got '\(method)'")
        }
        for (index, window) in (values[.maintenanceWindows]?.listValue ?? []).enumerated() {
            if case .failure(let error) = MaintenanceWindow.parse(window, index: index) { fail("maintenance_windows", error.message) }
        }
        if let policy = values["missing_data"]?.stringValue, MissingDataPolicy(rawValue: policy) == nil {
            let names = MissingDataPolicy.allCases.map(\.rawValue)
            let hint = NearestName.nearest(to: policy, among: names).map { " (did you mean '\($0)'?)" } ?? ""
            fail("missing_data", "expected one of \(names.joined(separator: ", ")), got '\(policy)'\(hint)")
        }
        if let value = values["no_data_after"], value != .null, NoDataWatch.Limit(value) == nil,
            !NoDataWatch.followsStaleDays(value)
        {
            fail("no_data_after", "expected a span (30m, 6h, 2d), a number of intervals (3 or \"3n\"), stale or null, got \(value.scalarText ?? value.kindName)")
        }
        if let value = values["alert_evaluation_delay"], ConfigKey<Double>.alertEvaluationDelay.read(value) == nil {
            fail("alert_evaluation_delay", "expected a span (10m, 2h) or a number of seconds (0 or more), got \(value.scalarText ?? value.kindName)")
        }
        if let db = values[.db]?.stringValue, !Self.databases.contains(db) {
            let hint = NearestName.nearest(to: db, among: Self.databases).map { " (did you mean '\($0)'?)" } ?? ""
            fail("db", "unknown database '\(db)'\(hint)")
        }
        if let table = values[.tableKey]?.stringValue, TableKey(table) == nil {
            fail(
                "table_key",
                "'\(table)' is not a table name (letters, digits and _) or a warehouse path of up to three of them (project.dataset.table)")
        }
        checkPreprocess(values[.preprocessParams], fail: fail)
        checkModels(values[.modelConfigs], fail: fail)
        checkThresholds(values[.tholdalertThresholds], fail: fail)
        checkNotifications(values, fail: fail)
        if values["metric_batch"]?.stringValue?.isEmpty ?? true {
            fail("metric_batch", "missing: every batch file names its batch")
        }
        let hasSQL = !(values[.ingestSQL]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        let hasFn = !(values[.ingestFn]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        if !hasSQL && !hasFn {
            fail("ingest_sql", "missing: a batch needs ingest_sql or ingest_fn")
        } else if hasSQL && hasFn {
            fail("ingest_fn", "set both ingest_sql and ingest_fn: keep one")
        }
        return errors
    }

    private func checkPreprocess(_ value: ConfigValue?, fail: (String, String) -> Void) {
        guard let params = value?.mapValue else { return }
        for key in params.keys.sorted() {
            guard let kind = preprocessKeys[key] else {
                let hint = NearestName.nearest(to: key, among: Array(preprocessKeys.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                fail("preprocess_params", "unknown key '\(key)'\(hint)")
                continue
            }
            guard let v = params[key], Self.conforms(v, to: kind) else {
                fail("preprocess_params", "'\(key)' must be \(kind.name), got \(params[key]?.kindName ?? "nothing")")
                continue
            }
            if kind == .int, v != .null, let problem = IntegerBounds.problem(v, in: IntegerBounds.preprocessRange(for: key)) {
                fail("preprocess_params", "'\(key)' \(problem)")
            }
        }
        if let freq = params["freq"], freq != .null {
            if freq.stringValue.flatMap(ResampleFrequency.init) == nil {
                fail(
                    "preprocess_params",
                    "'freq' must be a frequency such as 30s, 15min, 1h, 1D or 1W, got \(freq.stringValue.map { "'\($0)'" } ?? freq.kindName)")
            }
        }
        if let season = params["season"], season != .null, season.stringValue.flatMap(ResampleFrequency.init) == nil {
            fail("preprocess_params", "'season' must be a duration such as 1D or 1W, got \(season.stringValue.map { "'\($0)'" } ?? season.kindName)")
        }
        if let agg = params["freq_agg"]?.stringValue, ResampleAggregation(rawValue: agg) == nil {
            let names = ResampleAggregation.allCases.map(\.rawValue)
            fail("preprocess_params", "'freq_agg' must be one of \(names.joined(separator: ", ")), got '\(agg)'")
        }
    }

    private func checkModels(_ value: ConfigValue?, fail: (String, String) -> Void) {
        guard let value else { return }
        guard let list = value.listValue, !list.isEmpty else {
            fail("model_configs", "expected a non-empty list of detectors")
            return
        }
        var tags = Set<String>()
        for (index, entry) in list.enumerated() {
            let at = "entry \(index + 1)"
            guard let map = entry.mapValue else {
                fail("model_configs", "\(at): expected a map")
                continue
            }
            for key in map.keys.sorted() where !["model_name", "model_tag", "model_params"].contains(key) {
                fail("model_configs", "\(at): unknown key '\(key)'")
            }
            guard let name = map["model_name"]?.stringValue else {
                fail("model_configs", "\(at): missing model_name")
                continue
            }
            guard let detector = DetectorRegistry.detector(named: name) else {
                let known = DetectorRegistry.modelNames
                let hint = NearestName.nearest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                fail("model_configs", "\(at): unsupported model_name '\(name)'\(hint); supported: \(known.joined(separator: ", "))")
                continue
            }
            let tag = map["model_tag"]?.stringValue ?? name.lowercased()
            if !tags.insert(tag).inserted { fail("model_configs", "\(at): model_tag '\(tag)' is used twice") }
            let params = map["model_params"]?.mapValue ?? [:]
            let allowed = detector.parameters.merging(LikelihoodCalibration.parameters) { own, _ in own }
            for (param, v) in params.sorted(by: { $0.key < $1.key }) {
                guard let kind = allowed[param] else {
                    let hint = NearestName.nearest(to: param, among: Array(allowed.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                    fail("model_configs", "\(at) (\(name)): unknown parameter '\(param)'\(hint)")
                    continue
                }
                if !Self.conforms(v, to: kind) {
                    fail("model_configs", "\(at) (\(name)): '\(param)' must be \(kind.name)")
                } else if kind == .int, let problem = IntegerBounds.problem(v, in: IntegerBounds.detectorRange(for: param)) {
                    fail("model_configs", "\(at) (\(name)): '\(param)' \(problem)")
                }
            }
            if let calibration = params["calibration"]?.stringValue {
                let known = detector.parameters["tail_decades"] == nil ? ["likelihood"] : ["minmax", "tail", "likelihood"]
                if !known.contains(calibration) {
                    fail("model_configs", "\(at) (\(name)): 'calibration' must be \(known.joined(separator: " or "))")
                }
            }
            for problem in detector.problems(in: params) { fail("model_configs", "\(at) (\(name)): \(problem)") }
        }
    }

    private func checkThresholds(_ value: ConfigValue?, fail: (String, String) -> Void) {
        guard let map = value?.mapValue else { return }
        for (metric, bounds) in map.sorted(by: { $0.key < $1.key }) {
            guard let b = bounds.mapValue else {
                fail("tholdalert_thresholds", "'\(metric)': expected {upper, lower}")
                continue
            }
            for (key, v) in b.sorted(by: { $0.key < $1.key }) {
                if !["upper", "lower"].contains(key) {
                    fail("tholdalert_thresholds", "'\(metric)': unknown bound '\(key)'")
                } else if v.doubleValue == nil {
                    fail("tholdalert_thresholds", "'\(metric)'.\(key) must be a number")
                }
            }
        }
    }

    private func checkNotifications(_ values: [String: ConfigValue], fail: (String, String) -> Void) {
        func checkMethods(_ key: String, _ text: String?, at: String = "") {
            for method in NotificationRouting.methodList(text ?? "") where !NotificationChannels.knownMethods.contains(method) {
                let hint = NearestName.nearest(to: method, among: NotificationChannels.knownMethods).map { " (did you mean '\($0)'?)" } ?? ""
                fail(key, "\(at)unknown method '\(method)'\(hint); known: \(NotificationChannels.knownMethods.joined(separator: ", "))")
            }
        }
        for key in [ConfigKey<[String]>.alertMethods, .changeMethods, .tholdalertMethods, .llmalertMethods] {
            checkMethods(key.name, values[key]?.stringValue)
        }
        for key in [ConfigKey<Double>.alertThreshold, .alertCriticalThreshold] {
            if let v = values[key]?.doubleValue, !(0...1).contains(v) { fail(key.name, "must be between 0 and 1, got \(v)") }
        }
        if let v = values[.stuckFactor]?.doubleValue, v < 0 || v > 1_000 { fail("stuck_factor", "must lie between 0 (off) and 1000, got \(v)") }
        if let n = values[.changeTrendWindowN]?.intValue, (1...5).contains(n) {
            fail("change_trend_window_n", "must be 0 (off) or at least 6, got \(n): a slope over fewer points is noise")
        }
        for key in [ConfigKey<Double>.changeThreshold, .changeShiftThreshold, .changeTrendThreshold] {
            if let v = values[key]?.doubleValue, v <= 0 { fail(key.name, "must be above 0, got \(v)") }
        }
        if let value = values[.alertMuteUntil], value != .null, value.stringValue.flatMap(MetricTimestamp.parse) == nil {
            fail("alert_mute_until", "expected a UTC time such as \"2026-01-15 12:00:00\", got \(value.scalarText ?? value.kindName)")
        }
        for (metric, until) in (values[.alertMuteMetrics]?.mapValue ?? [:]).sorted(by: { $0.key < $1.key })
        where until.stringValue.flatMap(MetricTimestamp.parse) == nil {
            fail("alert_mute_metrics", "'\(metric)': expected a UTC time such as \"2026-01-15 12:00:00\"")
        }
        for (index, route) in (values[.alertRoutes]?.listValue ?? []).enumerated() {
            let at = "route \(index + 1)"
            guard let map = route.mapValue else {
                fail("alert_routes", "\(at): expected a map")
                continue
            }
            for key in map.keys.sorted() where !["match", "methods", "email_to", "slack_channel", "webhook_url"].contains(key) {
                fail("alert_routes", "\(at): unknown key '\(key)'")
            }
            if let match = map["match"], match.mapValue?.values.allSatisfy({ $0.scalarText != nil }) != true {
                fail("alert_routes", "\(at): 'match' must be a map of tag to value")
            }
            if let methods = map["methods"] {
                if methods.stringValue == nil { fail("alert_routes", "\(at): 'methods' must be a comma list such as \"slack,email\"") }
                checkMethods("alert_routes", methods.stringValue, at: "\(at): ")
            }
            if let url = map["webhook_url"], url.stringValue.flatMap(URL.init(string:))?.scheme == nil {
                fail("alert_routes", "\(at): 'webhook_url' must be a URL")
            }
        }
    }

    static func isIdentifier(_ text: String) -> Bool {
        // ASCII only, so bytes are enough: every job asks this of its table name at every run,
        // and `CharacterSet` lookups cost more than the rest of the check.
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard let first = text.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || isDigit($0) }
    }
}
