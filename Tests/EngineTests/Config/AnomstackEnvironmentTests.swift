import Engine
import Fixtures
import Foundation
import Testing

/// Anomstack's `.env` works as it is: variables that set batch keys, aliases, the examples
/// switch, serve's defaults, and a note for each variable of Anomstack's deployment.
@Suite struct AnomstackEnvironmentTests {
    let folder = InMemoryMetricsFolder([
        "shop/shop.yaml": "metric_batch: shop\ningest_sql: select 1\n",
        "examples/demo/demo.yaml": "metric_batch: demo\ningest_sql: select 1\ntable_key: other\n",
    ])

    @Test func tableKeyAndModelPathApplyToEveryBatch() throws {
        let environment = ["ANOMSTACK_TABLE_KEY": "tmp.metrics", "ANOMSTACK_MODEL_PATH": "local://./tmp/models"]
        let batches = try BatchLoader(folder: folder, environment: environment).loadValid()
        #expect(batches.map(\.tableKey) == ["metrics", "metrics"])
        #expect(batches.map(\.modelPath) == ["local://./tmp/models", "local://./tmp/models"])
        let bad = BatchLoader(folder: folder, environment: ["ANOMSTACK_TABLE_KEY": "a b"]).load()
        #expect(bad.errors.first?.file == "environment ANOMSTACK_TABLE_KEY", "\(bad.errors)")
    }

    @Test func examplesCanBeLeftOut() throws {
        #expect(try BatchLoader(folder: folder, environment: ["ANOMSTACK_IGNORE_EXAMPLES": "yes"]).loadValid().map(\.name) == ["shop"])
        #expect(try BatchLoader(folder: folder, environment: ["ANOMSTACK_IGNORE_EXAMPLES": "no"]).loadValid().map(\.name) == ["demo", "shop"])
    }

    @Test func aliasesFillTheEnginesNamesUnlessSet() {
        let resolved = AnomstackEnvironment.resolvingAliases([
            "ANOMSTACK_OPENAI_KEY": "k", "ANOMSTACK_OPENAI_MODEL": "m", "ANOMSTACK_LLM_MODEL": "mine",
            "ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS": "", "ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS_JSON": "{}",
        ])
        #expect(resolved["OPENAI_API_KEY"] == "k")
        #expect(resolved["ANOMSTACK_LLM_MODEL"] == "mine")
        #expect(resolved["ANOMSTACK_GOOGLE_APPLICATION_CREDENTIALS"] == "{}")
    }

    @Test func anthropicVariablesAreNotedUnlessItIsThePlatform() {
        #expect(AnomstackEnvironment.notes(["ANOMSTACK_ANTHROPIC_KEY": "k"]) == [
            "environment ANOMSTACK_ANTHROPIC_KEY: not acted on while ANOMSTACK_LLM_PLATFORM is not anthropic"
        ])
        #expect(AnomstackEnvironment.notes(["ANOMSTACK_ANTHROPIC_KEY": "k", "ANOMSTACK_LLM_PLATFORM": "anthropic"]).isEmpty)
    }

    @Test func serveDefaults() {
        #expect(AnomstackEnvironment.dashboardPort(["ANOMSTACK_DASHBOARD_PORT": " 5001"]) == 5001)
        #expect(AnomstackEnvironment.dashboardPort(["ANOMSTACK_DASHBOARD_PORT": "99999"]) == nil)
        #expect(AnomstackEnvironment.runTimeout(["ANOMSTACK_KILL_RUN_AFTER_MINUTES": "15", "ANOMSTACK_MAX_RUNTIME_SECONDS_TAG": "600"]) == 600)
        #expect(AnomstackEnvironment.runTimeout(["ANOMSTACK_KILL_RUN_AFTER_MINUTES": "15"]) == 900)
        #expect(AnomstackEnvironment.runTimeout([:]) == nil)
        #expect(AnomstackEnvironment.reloadInterval(["ANOMSTACK_CONFIG_WATCHER_INTERVAL": "30"]) == 30)
    }

    /// Every variable of Anomstack's own example.env is either read by the engine or noted with a reason.
    @Test func everyVariableOfAnomstacksExampleEnvIsAccountedFor() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/peer/anomstack/example.env")
        let names = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.hasPrefix("#"), let eq = text.firstIndex(of: "=") else { return nil }
            return text[..<eq].trimmingCharacters(in: .whitespaces)
        }
        #expect(names.count > 60)
        let engineReads = Set(Self.engineSources().flatMap { Self.variables(in: $0) })
        let notes = AnomstackEnvironment.notes(Dictionary(names.map { ($0, "x") }, uniquingKeysWith: { a, _ in a }))
        let unaccounted = names.filter { name in
            !engineReads.contains(name) && !notes.contains { $0.hasPrefix("environment \(name):") }
                && AnomstackEnvironment.aliases[name] == nil && AnomstackEnvironment.batchKeys[name] == nil
                && !name.hasPrefix("POSTHOG_")  // read by Anomstack's posthog example's own ingest_fn
        }
        #expect(unaccounted.isEmpty, "\(unaccounted)")
    }

    /// The text of the engine's sources.
    static func engineSources() -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return files.filter { $0.pathExtension == "swift" }.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
    }

    /// The variable names `source` mentions, in code or in the doc comments of the code that reads them.
    static func variables(in source: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"\b((?:ANOMSTACK|OPENAI)_[A-Z0-9_]*[A-Z0-9])\b"#)
        return pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)).compactMap {
            Range($0.range(at: 1), in: source).map { String(source[$0]) }
        }
    }
}
