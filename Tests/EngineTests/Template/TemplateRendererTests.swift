import Engine
import Fixtures
import Foundation
import Testing

@Suite struct TemplateRendererTests {
    @Test func rendersVariablesIncludesConditionsAndLoops() throws {
        let folder = InMemoryMetricsFolder([
            "shared/window.sql": "ts <= '{{ now }}'",
            "test/test.yaml": """
            metric_batch: web
            ingest_sql: >
              select {% for s in sites %}'{{ s }}'{% if not forloop.last %}, {% endif %}{% endfor %}
              where {% include "./shared/window.sql" %}{% if strict %} and ok{% endif %} -- {{ metric_batch }} {{ alert_threshold }}
            template_vars:
              sites: [a, b]
              strict: true
            """,
        ])
        let batch = try BatchLoader(folder: folder).loadValid()[0]
        let sql = try TemplateRenderer(folder: folder).render("ingest_sql", of: batch, now: referenceTime)
        #expect(
            sql.trimmingCharacters(in: .whitespacesAndNewlines)
                == "select 'a', 'b' where ts <= '2026-01-15 12:00:00' and ok -- web 0.8")
    }

    /// Text without a brace is returned as it is, byte for byte, whitespace and percent signs
    /// included; a brace anywhere still renders.
    @Test func plainTextRendersToItself() throws {
        let renderer = TemplateRenderer(folder: InMemoryMetricsFolder([:]))
        let plain = "  select 'a%b', 1 -- no tags\n\tfrom t  \n"
        #expect(try renderer.render(plain, context: [:], file: "f.yaml", key: "ingest_sql") == plain)
        #expect(try renderer.render("select {{ n }}", context: ["n": 3], file: "f.yaml", key: "ingest_sql") == "select 3")
        let batch = try BatchLoader(folder: InMemoryMetricsFolder(["t/t.yaml": "metric_batch: t\ningest_sql: select 1 as x\n"])).loadValid()[0]
        #expect(try renderer.render("ingest_sql", of: batch, now: referenceTime) == "select 1 as x")
    }

    @Test func aMissingIncludeNamesTheBatchFileAndKey() throws {
        let folder = InMemoryMetricsFolder(["test/test.yaml": "metric_batch: x\ningest_sql: '{% include \"./nope.sql\" %}'\n"])
        let batch = try BatchLoader(folder: folder).loadValid()[0]
        #expect {
            try TemplateRenderer(folder: folder).render("ingest_sql", of: batch, now: referenceTime)
        } throws: { error in
            let text = "\(error)"
            return text.contains("test/test.yaml") && text.contains("ingest_sql") && text.contains("./nope.sql")
        }
        let report = BatchValidation(folder: folder, environment: [:], overrides: []).validate(now: referenceTime)
        #expect(report.errors.count == 1)
    }

    @Test func includesCannotLeaveTheMetricsFolder() throws {
        let folder = InMemoryMetricsFolder(["test/test.yaml": "metric_batch: x\ningest_sql: '{% include \"../etc/passwd\" %}'\n"])
        let batch = try BatchLoader(folder: folder).loadValid()[0]
        #expect(throws: ConfigError.self) { try TemplateRenderer(folder: folder).render("ingest_sql", of: batch, now: referenceTime) }
    }
}
