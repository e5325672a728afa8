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
    /// Set in replay: Python's `random` and NumPy's global generator are seeded from it and the
    /// run's `now`, and its hashing fixed, so a function that draws random numbers replays the same.
    public let seed: UInt64?

    public init(python: String = "python3", workingDirectory: URL, seed: UInt64? = nil) {
        self.python = python
        self.workingDirectory = workingDirectory
        self.seed = seed
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
        # The engine's clock. Functions that ask for it get it as now=; the others read the clock
        # themselves, as Anomstack's do (pd.Timestamp.now()), so those reads are pinned to it
        # too: replay, backfills and --as-of move every one of them. time.time() advances from it.
        now = datetime.datetime.strptime(os.environ["ANOMSTACK_NOW"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
        _epoch = now.timestamp()
        _real_datetime, _real_date = datetime.datetime, datetime.date

        class _Real(type):
            def __instancecheck__(cls, value):
                return isinstance(value, cls.__bases__[0])

            def __subclasscheck__(cls, other):
                return issubclass(other, cls.__bases__[0])

        class _EngineDatetime(_real_datetime, metaclass=_Real):
            @classmethod
            def now(cls, tz=None):
                return _real_datetime.fromtimestamp(_epoch, tz)

            @classmethod
            def today(cls):
                return _real_datetime.fromtimestamp(_epoch)

            @classmethod
            def utcnow(cls):
                return _real_datetime.fromtimestamp(_epoch, datetime.timezone.utc).replace(tzinfo=None)

        class _EngineDate(_real_date, metaclass=_Real):
            @classmethod
            def today(cls):
                return _real_date.fromtimestamp(_epoch)

        import builtins, importlib, time as _time
        _started = _time.monotonic()
        _time.time = lambda: _epoch + (_time.monotonic() - _started)
        _pinned = (_EngineDatetime, _EngineDate)
        _importing = [0]

        # Seeded (in replay): random now, NumPy once something imports it (importing it costs
        # a third of a second, which a function that does not use it should not pay).
        _seed = None
        if "ENGINE_SEED" in os.environ:
            import hashlib, random
            _seed = int.from_bytes(hashlib.sha256((os.environ["ENGINE_SEED"] + "|" + os.environ["ANOMSTACK_NOW"]).encode()).digest()[:4], "big")
            random.seed(_seed)

        def _after_imports():
            numpy = sys.modules.get("numpy")
            if _seed is not None and numpy is not None and not getattr(numpy.random, "_engine_seeded", False):
                numpy.random.seed(_seed)
                numpy.random._engine_seeded = True
            _pin_pandas()

        def _pin_pandas():
            pd = sys.modules.get("pandas")
            if pd is None or getattr(pd.Timestamp, "_engine_clock", False):
                return
            def pinned(cls, tz=None):
                if tz is None:
                    return pd.Timestamp(_real_datetime.fromtimestamp(_epoch))
                return pd.Timestamp(_epoch, unit="s", tz="UTC").tz_convert(tz)
            pd.Timestamp.now = classmethod(pinned)
            pd.Timestamp.today = classmethod(pinned)
            pd.Timestamp.utcnow = classmethod(lambda cls: pinned(cls, "UTC"))
            pd.Timestamp._engine_clock = True

        def _with_real_classes(importer):
            # Compiled modules (pandas, NumPy) check datetime's classes as they load, so every
            # import runs with the real ones and the pinned ones come back after it.
            def guarded(*args, **kwargs):
                if _importing[0] == 0:
                    datetime.datetime, datetime.date = _real_datetime, _real_date
                _importing[0] += 1
                try:
                    return importer(*args, **kwargs)
                finally:
                    _importing[0] -= 1
                    if _importing[0] == 0:
                        datetime.datetime, datetime.date = _pinned
                        _after_imports()
            return guarded

        builtins.__import__ = _with_real_classes(builtins.__import__)
        importlib.import_module = _with_real_classes(importlib.import_module)
        datetime.datetime, datetime.date = _pinned
        _after_imports()
        namespace = {"__name__": "__ingest_fn__"}
        exec(compile(source, "<ingest_fn>", "exec"), namespace)
        if "ingest" not in namespace:
            sys.stderr.write("ingest_fn defines no function named ingest()\n")
            sys.exit(3)
        ingest = namespace["ingest"]
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
                return value.isoformat(sep=" ") if isinstance(value, _real_datetime) else value.isoformat()
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
        if let seed {
            environment["ENGINE_SEED"] = String(seed)
            environment["PYTHONHASHSEED"] = "0"
        } else {
            environment["ENGINE_SEED"] = nil
        }
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
