import Foundation

/// Runs an Anomstack `ingest_fn` with `python3` in a subprocess: the source is executed, its
/// `ingest()` called (with `now=`, the engine's time as an aware UTC datetime, when it takes a
/// `now` parameter), and the DataFrame or list of dicts it returns handed back as JSON. Where
/// Dagster is not installed, `from dagster import get_dagster_logger` (as Anomstack's examples
/// write) gives a standard Python logger.
/// Anything the function prints goes to stderr, so it cannot corrupt the result.
public struct PythonIngestRunner: IngestFunctionRunner {
    public let python: String
    public let workingDirectory: URL

    public init(python: String = "python3", workingDirectory: URL) {
        self.python = python
        self.workingDirectory = workingDirectory
    }

    /// What every Python run starts with: Anomstack's functions log through Dagster's logger, and
    /// without Dagster that is a plain logger to stderr.
    static let prelude = #"""
        import datetime, inspect, json, logging, math, os, sys, types
        try:
            import dagster
        except ImportError:
            dagster = types.ModuleType("dagster")
            dagster.get_dagster_logger = lambda name=None: logging.getLogger(name or "anomstack")
            sys.modules["dagster"] = dagster
        logging.basicConfig(stream=sys.stderr, level=logging.INFO)

        """#

    static let wrapper = prelude + #"""
        source = sys.stdin.read()
        real_stdout = sys.stdout
        sys.stdout = sys.stderr
        namespace = {"__name__": "__ingest_fn__"}
        exec(compile(source, "<ingest_fn>", "exec"), namespace)
        if "ingest" not in namespace:
            sys.stderr.write("ingest_fn defines no function named ingest()\n")
            sys.exit(3)
        ingest = namespace["ingest"]
        # The engine's clock, for functions that ask for it: replay, backfills and --as-of move it.
        now = datetime.datetime.strptime(os.environ["ANOMSTACK_NOW"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
        try:
            wants_now = "now" in inspect.signature(ingest).parameters
        except (TypeError, ValueError):
            wants_now = False
        result = ingest(now=now) if wants_now else ingest()
        if hasattr(result, "to_dict"):
            records = result.to_dict(orient="records")
        elif result is None:
            records = []
        else:
            records = list(result)
        def plain(value):
            if value is None or isinstance(value, str):
                return value
            if isinstance(value, bool):
                return str(value)
            if hasattr(value, "isoformat"):
                return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and not math.isfinite(value):
                return None
            if isinstance(value, (int, float)):
                return value
            return str(value)
        out = []
        for record in records:
            if not isinstance(record, dict):
                sys.stderr.write("ingest() returned a record that is not a dict: %r\n" % (record,))
                sys.exit(4)
            out.append({str(k): plain(v) for k, v in record.items()})
        json.dump(out, real_stdout, separators=(",", ":"))
        """#

    public func run(source: String, batch: String, now: Date, timeout: TimeInterval) throws -> Data {
        var environment = ProcessInfo.processInfo.environment
        environment["ANOMSTACK_METRIC_BATCH"] = batch
        environment["ANOMSTACK_NOW"] = MetricTimestamp.format(now)
        let output: Subprocess.Output
        do {
            output = try Subprocess.run(
                python, ["-c", Self.wrapper], environment: environment, workingDirectory: workingDirectory,
                input: Data(source.utf8), timeout: timeout, outputLimit: Self.outputLimit)
        } catch {
            throw JobError("cannot start \(python) for ingest_fn of \(batch): \(error)")
        }
        if output.overflowed {
            throw JobError(
                "ingest_fn of \(batch) returned more than \(Self.outputLimit >> 20) MiB of rows and was stopped: "
                    + "return fewer rows per run (a shorter window), or split the batch")
        }
        if output.timedOut {
            throw JobError("ingest_fn of \(batch) ran past ingest_fn_timeout_seconds (\(Fixed.format(timeout, 0)) s) and was stopped")
        }
        guard output.status == 0 else {
            if let module = Self.missingModule(in: output.errorText) {
                throw JobError(
                    "ingest_fn of \(batch) needs the Python module '\(module)', which \(python) cannot import: "
                        + "install it where the engine runs (pip install \(module)), or remove the import")
            }
            throw JobError("ingest_fn of \(batch) failed (exit \(output.status)): \(String(output.errorText.suffix(2000)))")
        }
        if output.stdout.isEmpty {
            throw JobError(
                "ingest_fn of \(batch) exited (status 0) without handing back any rows: "
                    + "did it call sys.exit() or os._exit() before ingest() returned?")
        }
        return output.stdout
    }

    /// The most JSON one run may hand back: about four million rows, and a bound on the memory
    /// reading them takes.
    public static let outputLimit = 256 << 20

    /// The module named by a `ModuleNotFoundError` in a traceback, if any.
    static func missingModule(in stderr: String) -> String? {
        guard let range = stderr.range(of: "ModuleNotFoundError: No module named '") else { return nil }
        let rest = stderr[range.upperBound...]
        return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }
}
