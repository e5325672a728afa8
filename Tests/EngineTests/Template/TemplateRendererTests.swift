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
