import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs an Anomstack `ingest_fn` with `python3` in a subprocess: the source is executed, its
/// `ingest()` called, and the DataFrame or list of dicts it returns handed back as JSON.
/// Anything the function prints goes to stderr, so it cannot corrupt the result.
public struct PythonIngestRunner: IngestFunctionRunner {
    public let python: String
    public let workingDirectory: URL

    public init(python: String = "python3", workingDirectory: URL) {
        self.python = python
        self.workingDirectory = workingDirectory
    }

    static let wrapper = #"""
import datetime, json, math, sys
source = sys.stdin.read()
real_stdout = sys.stdout
sys.stdout = sys.stderr
namespace = {"__name__": "__ingest_fn__"}
exec(compile(source, "<ingest_fn>", "exec"), namespace)
if "ingest" not in namespace:
    sys.stderr.write("ingest_fn defines no function named ingest()\n")
    sys.exit(3)
result = namespace["ingest"]()
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
json.dump(out, real_stdout)
"""#

    public func run(source: String, batch: String, now: Date, timeout: TimeInterval) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", Self.wrapper]
        process.currentDirectoryURL = workingDirectory
        var environment = ProcessInfo.processInfo.environment
        environment["ANOMSTACK_METRIC_BATCH"] = batch
        environment["ANOMSTACK_NOW"] = MetricTimestamp.format(now)
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw JobError("cannot start \(python) for ingest_fn of \(batch): \(error)")
        }
        let collected = OutputCollector(output: output, errors: errors)
        // The watchdog ends a function that runs past its time; the pipes then close and the wait returns.
        let timedOut = TimeoutFlag()
        let watchdog = DispatchWorkItem {
            timedOut.set()
            // SIGKILL: a function stuck in a C call or catching SIGTERM must still stop.
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + max(timeout, 0.1), execute: watchdog)
        input.fileHandleForWriting.write(Data(source.utf8))
        try? input.fileHandleForWriting.close()
        let (stdout, stderr) = collected.wait()
        process.waitUntilExit()
        watchdog.cancel()
        if timedOut.isSet {
            throw JobError("ingest_fn of \(batch) ran past ingest_fn_timeout_seconds (\(Fixed.format(timeout, 0)) s) and was stopped")
        }
        guard process.terminationStatus == 0 else {
            let text = String(decoding: stderr, as: UTF8.self)
            if let module = Self.missingModule(in: text) {
                throw JobError("ingest_fn of \(batch) needs the Python module '\(module)', which \(python) cannot import: "
                               + "install it where the engine runs (pip install \(module)), or remove the import")
            }
            throw JobError("ingest_fn of \(batch) failed (exit \(process.terminationStatus)): \(String(text.suffix(2000)))")
        }
        return stdout
    }

    /// The module named by a `ModuleNotFoundError` in a traceback, if any.
    static func missingModule(in stderr: String) -> String? {
        guard let range = stderr.range(of: "ModuleNotFoundError: No module named '") else { return nil }
        let rest = stderr[range.upperBound...]
        return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }
}

/// Set once by the watchdog when it stopped the process.
private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Drains a child's stdout and stderr concurrently so neither pipe can fill and block it.
private final class OutputCollector: @unchecked Sendable {
    private let group = DispatchGroup()
    private var out = Data()
    private var err = Data()

    init(output: Pipe, errors: Pipe) {
        group.enter()
        DispatchQueue.global().async { [self] in
            out = output.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async { [self] in
            err = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
    }

    func wait() -> (Data, Data) {
        group.wait()
        return (out, err)
    }
}
