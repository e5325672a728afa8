import Fixtures
import Foundation
import Testing

@testable import Engine

/// A template that includes itself, directly or through others, is an error naming the chain,
/// at load and at render, never a stack overflow (robustness finding D4).
@Suite struct IncludeGraphTests {
    @Test func aSelfIncludeIsACycleNamedAtLoad() {
        let folder = InMemoryMetricsFolder([
            "b/b.yaml": "metric_batch: b\ningest_sql: \"{% include './b/q.sql' %}\"\n",
            "b/q.sql": "select 1 {% include \"./b/q.sql\" %}",
        ])
        let loaded = BatchLoader(folder: folder).load()
        #expect(loaded.batches.isEmpty)
        #expect(loaded.errors.map(\.description) == ["b/b.yaml:2: key 'ingest_sql': include cycle: b/q.sql → b/q.sql"])
    }

    @Test func aCycleThroughOtherFilesIsNamedWhole() {
        let folder = InMemoryMetricsFolder([
            "a.sql": "{% include 'b.sql' %}", "b.sql": "x {%- include 'c.sql' -%}", "c.sql": "{% include './a.sql' %}",
        ])
        #expect(IncludeGraph(folder: folder).problem(in: "{% include 'a.sql' %}") == "include cycle: a.sql → b.sql → c.sql → a.sql")
        let renderer = TemplateRenderer(folder: folder)
        #expect { try renderer.render("{% include 'a.sql' %}", context: [:], file: "f.yaml", key: "ingest_sql") } throws: {
            "\($0)".contains("include cycle")
        }
    }

    @Test func aDeepChainIsBoundedAndARepeatedIncludeIsNoCycle() {
        var files: [String: String] = [:]
        for i in 0..<30 { files["f\(i).sql"] = "{% include 'f\(i + 1).sql' %}" }
        files["f30.sql"] = "select 1"
        files["twice.sql"] = "{% include 'f30.sql' %} union {% include 'f30.sql' %}"
        let graph = IncludeGraph(folder: InMemoryMetricsFolder(files))
        #expect(graph.problem(in: "{% include 'f0.sql' %}")?.hasPrefix("includes nested deeper than 16") == true)
        #expect(graph.problem(in: "{% include 'twice.sql' %}") == nil)
        #expect(graph.problem(in: "{% include 'f20.sql' %}") == nil)
    }

    @Test func anIncludeByAComputedNameIsBoundedAtRender() {
        let folder = InMemoryMetricsFolder(["q.sql": "select 1 {% include name %}"])
        let renderer = TemplateRenderer(folder: folder)
        #expect { try renderer.render("{% include name %}", context: ["name": "q.sql"], file: "f.yaml", key: "ingest_sql") } throws: {
            "\($0)".contains("more than 64 includes in one render")
        }
    }
}
