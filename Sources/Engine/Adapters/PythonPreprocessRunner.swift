import Foundation

/// A batch's own `preprocess_fn` with `python3` and pandas, with Anomstack's contract: the
/// function `preprocess(df, **preprocess_params)` gets a DataFrame of `metric_timestamp` and
/// `metric_value` and returns the feature rows, indexed by `metric_timestamp` (or with it as a
/// column). Rows come back in time order; a missing or non-numeric feature is an error naming the
/// row, not a silent drop. `shuffle` is never asked for: row order does not matter to the
/// detectors, and the engine's runs must repeat exactly.
extension PythonIngestRunner: PreprocessFunctionRunner {
    static let preprocessWrapper = prelude + #"""
        payload = json.load(sys.stdin)
        real_stdout = sys.stdout
        sys.stdout = sys.stderr
        namespace = {"__name__": "__preprocess_fn__"}
        exec(compile(payload["source"], "<preprocess_fn>", "exec"), namespace)
        if "preprocess" not in namespace:
            sys.stderr.write("preprocess_fn defines no function named preprocess()\n")
            sys.exit(3)
        import pandas as pd
        df = pd.DataFrame({"metric_timestamp": pd.to_datetime(payload["timestamps"]), "metric_value": [float(v) for v in payload["values"]]})
        X = namespace["preprocess"](df, **payload["params"])
        if not hasattr(X, "columns"):
            sys.stderr.write("preprocess() returned %s, not a DataFrame\n" % type(X).__name__)
            sys.exit(4)
        if "metric_timestamp" in X.columns:
            X = X.set_index("metric_timestamp")
        X = X.sort_index()
        def number(value):
            try:
                value = float(value)
            except (TypeError, ValueError):
                return None
            return value if math.isfinite(value) else None
        json.dump({
            "index": [pd.Timestamp(t).strftime("%Y-%m-%d %H:%M:%S") for t in X.index],
            "columns": [str(c) for c in X.columns],
            "rows": [[number(v) for v in row] for row in X.itertuples(index=False, name=None)],
        }, real_stdout, separators=(",", ":"))
        """#

    public func preprocess(
        source: String, batch: String, metric: String, timestamps: [Date], values: [Double], params: [String: ConfigValue],
        timeout: TimeInterval
    ) throws -> FeatureMatrix {
        let payload = CanonicalJSON.object([
            "source": .string(source),
            "timestamps": .array(timestamps.map { .string(MetricTimestamp.format($0)) }),
            // Shortest round-trip text, so Python gets the very doubles the store holds.
            "values": .array(values.map { .string("\($0)") }),
            "params": .object(params.mapValues(Self.json)),
        ])
        let output: Subprocess.Output
        do {
            output = try Subprocess.run(
                python, ["-c", Self.preprocessWrapper], environment: ProcessInfo.processInfo.environment,
                workingDirectory: workingDirectory, input: Data(payload.text.utf8), timeout: timeout, outputLimit: Self.outputLimit)
        } catch {
            throw JobError("cannot start \(python) for preprocess_fn of \(batch): \(error)")
        }
        if output.timedOut { throw JobError("preprocess_fn of \(batch) ran past \(Fixed.format(timeout, 0)) s for '\(metric)' and was stopped") }
        guard output.status == 0 else {
            if let module = Self.missingModule(in: output.errorText) {
                throw JobError("preprocess_fn of \(batch) needs the Python module '\(module)', which \(python) cannot import (pip install \(module))")
            }
            throw JobError("preprocess_fn of \(batch) failed for '\(metric)' (exit \(output.status)): \(String(output.errorText.suffix(2000)))")
        }
        return try Self.matrix(output.stdout, batch: batch, metric: metric)
    }

    /// The feature matrix from the wrapper's JSON.
    static func matrix(_ data: Data, batch: String, metric: String) throws -> FeatureMatrix {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let index = object["index"] as? [String], let columns = object["columns"] as? [String],
            let rows = object["rows"] as? [[Any]], rows.count == index.count
        else {
            throw JobError("preprocess_fn of \(batch) handed back something that is not a feature table for '\(metric)'")
        }
        var flat: [Double] = []
        flat.reserveCapacity(rows.count * columns.count)
        var times: [Date] = []
        for (row, cells) in rows.enumerated() {
            guard let time = MetricTimestamp.parse(index[row]) else {
                throw JobError("preprocess_fn of \(batch): row \(row + 1) of '\(metric)' has the index '\(index[row])', not a time")
            }
            let numbers = cells.compactMap { ($0 as? NSNumber)?.doubleValue }
            guard cells.count == columns.count, numbers.count == cells.count else {
                throw JobError(
                    "preprocess_fn of \(batch): row \(row + 1) of '\(metric)' (\(index[row])) has a missing or non-numeric feature "
                        + "(drop such rows in preprocess(), as Anomstack's dropna=True does)")
            }
            flat += numbers
            times.append(time)
        }
        return FeatureMatrix(rows: rows.count, columns: columns.count, values: flat, timestamps: times)
    }

    /// A `preprocess_params` value as JSON for Python.
    static func json(_ value: ConfigValue) -> CanonicalJSON {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .number(d, decimals: 10)
        case .string(let s): return .string(s)
        case .list(let items): return .array(items.map(json))
        case .map(let map): return .object(map.mapValues(json))
        }
    }
}
