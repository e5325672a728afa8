import Foundation
import Synchronization

/// The engine's side of a Dagster Pipes session (protocol 0.1), when Dagster launched it: the
/// context read from `DAGSTER_PIPES_CONTEXT` (a file path, or the data itself), and messages
/// written as JSON lines where `DAGSTER_PIPES_MESSAGES` says (a file, or stdout/stderr):
/// `opened`, `log`, `report_asset_materialization`, `report_asset_check` and `closed`.
public final class DagsterPipesSession: @unchecked Sendable {
    // Unchecked: `extras` holds the context's free-form JSON values (`Any`) and `write` a closure
    // over a file handle; both are set once in `init` and only read after, and `closed` is atomic.

    /// A metadata value with its Pipes type (`int`, `float`, `text`, `bool`, `timestamp`, `json`).
    public struct Metadata: Sendable {
        public var type: String
        public var value: CanonicalJSON
        public static func int(_ value: Int) -> Metadata { Metadata(type: "int", value: .int(value)) }
        public static func text(_ value: String) -> Metadata { Metadata(type: "text", value: .string(value)) }
        public static func bool(_ value: Bool) -> Metadata { Metadata(type: "bool", value: .bool(value)) }
        /// Seconds since 1970, as Dagster's timestamp metadata holds them.
        public static func timestamp(_ date: Date) -> Metadata {
            Metadata(type: "timestamp", value: .number(date.timeIntervalSince1970, decimals: 3))
        }
    }

    /// The asset keys in scope, in Dagster's slash-separated string form.
    public let assetKeys: [String]
    public let runID: String?
    public let jobName: String?
    public let extras: [String: Any]
    private let write: (String) throws -> Void
    private let closed = Atomic(false)

    /// The session of this process, or nil when Dagster did not launch it (no `DAGSTER_PIPES_CONTEXT`).
    public static func open(environment: [String: String]) throws -> DagsterPipesSession? {
        guard let contextParameter = environment["DAGSTER_PIPES_CONTEXT"] else { return nil }
        let contextParams = try PipesParameter.decode(contextParameter, name: "DAGSTER_PIPES_CONTEXT")
        let messagesParams = try PipesParameter.decode(environment["DAGSTER_PIPES_MESSAGES"] ?? "", name: "DAGSTER_PIPES_MESSAGES")
        let context: [String: Any]
        if let path = contextParams["path"] as? String {
            guard let data = FileManager.default.contents(atPath: path),
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else {
                throw JobError("DAGSTER_PIPES_CONTEXT: the context file '\(path)' cannot be read as JSON")
            }
            context = object
        } else if let data = contextParams["data"] as? [String: Any] {
            context = data
        } else {
            throw JobError("DAGSTER_PIPES_CONTEXT: expected a 'path' or 'data' key, got \(contextParams.keys.sorted())")
        }
        let write: (String) throws -> Void
        if let path = messagesParams["path"] as? String {
            write = { line in
                guard
                    let handle = FileHandle(forWritingAtPath: path)
                        ?? {
                            _ = FileManager.default.createFile(atPath: path, contents: nil)
                            return FileHandle(forWritingAtPath: path)
                        }()
                else { throw JobError("DAGSTER_PIPES_MESSAGES: cannot write to '\(path)'") }
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((line + "\n").utf8))
            }
        } else if let stream = (messagesParams["stdio"] ?? messagesParams["buffered_stdio"]) as? String, stream == "stdout" || stream == "stderr" {
            let handle = stream == "stdout" ? FileHandle.standardOutput : FileHandle.standardError
            write = { line in handle.write(Data((line + "\n").utf8)) }
        } else {
            throw JobError("DAGSTER_PIPES_MESSAGES: expected a 'path' or 'stdio' key, got \(messagesParams.keys.sorted())")
        }
        let session = DagsterPipesSession(context: context, write: write)
        try session.send("opened", ["extras": .object([:])])
        return session
    }

    init(context: [String: Any], write: @escaping (String) throws -> Void) {
        assetKeys = context["asset_keys"] as? [String] ?? []
        runID = context["run_id"] as? String
        jobName = context["job_name"] as? String
        extras = context["extras"] as? [String: Any] ?? [:]
        self.write = write
    }

    public func log(_ message: String, level: String = "INFO") throws {
        try send("log", ["message": .string(message), "level": .string(level)])
    }

    public func reportMaterialization(assetKey: String?, metadata: [String: Metadata]) throws {
        try send(
            "report_asset_materialization",
            [
                "asset_key": assetKey.map(CanonicalJSON.string) ?? .null,
                "data_version": .null, "metadata": Self.encode(metadata),
            ])
    }

    public func reportCheck(assetKey: String?, name: String, passed: Bool, severity: String = "ERROR", metadata: [String: Metadata]) throws {
        try send(
            "report_asset_check",
            [
                "asset_key": assetKey.map(CanonicalJSON.string) ?? .null, "check_name": .string(name),
                "passed": .bool(passed), "severity": .string(severity), "metadata": Self.encode(metadata),
            ])
    }

    /// Ends the session; `error` is reported as the process's exception.
    public func close(error: String? = nil) throws {
        guard
            !closed.exchange(true, ordering: .relaxed)
        else { return }
        var params: [String: CanonicalJSON] = [:]
        if let error {
            params["exception"] = .object([
                "message": .string(error), "stack": .array([]), "name": .string("EngineError"),
                "cause": .null, "context": .null,
            ])
        }
        try write(Self.message("closed", params))
    }

    private func send(_ method: String, _ params: [String: CanonicalJSON]) throws {
        guard !closed.load(ordering: .relaxed) else { throw JobError("the Dagster Pipes session is closed") }
        try write(Self.message(method, params))
    }

    static func message(_ method: String, _ params: [String: CanonicalJSON]) -> String {
        CanonicalJSON.object(["__dagster_pipes_version": .string("0.1"), "method": .string(method), "params": .object(params)]).text
    }

    static func encode(_ metadata: [String: Metadata]) -> CanonicalJSON {
        .object(metadata.mapValues { .object(["type": .string($0.type), "raw_value": $0.value]) })
    }
}
