import Engine
import Fixtures
import Foundation
import Testing

/// The dialect macros of ingest templates: `now_sql`, `ago` and `since`, per `db`.
@Suite struct SQLDialectTests {
    func render(_ sql: String, db: String) throws -> String {
        let b = try batch("metric_batch: test\ningest_sql: \"\(sql)\"\ndb: \(db)\n")
        return try TemplateRenderer(folder: InMemoryMetricsFolder([:])).render("ingest_sql", of: b, now: referenceTime)
    }

    @Test func macrosRenderTheClocksTimeInEachDialect() throws {
        let sql = #"select * from t where {{ 'ts'|since:'1d' }} and x < {{ now_sql }} and y > {{ '30m'|ago }}"#
        #expect(
            try render(sql, db: "sqlite")
                == "select * from t where ts >= '2026-01-14 12:00:00' and x < '2026-01-15 12:00:00' and y > '2026-01-15 11:30:00'")
        #expect(
            try render(sql, db: "postgres")
                == "select * from t where ts >= TIMESTAMP '2026-01-14 12:00:00' and x < TIMESTAMP '2026-01-15 12:00:00' and y > TIMESTAMP '2026-01-15 11:30:00'"
        )
        #expect(try render(#"{{ now_sql }}"#, db: "clickhouse") == "toDateTime('2026-01-15 12:00:00', 'UTC')")
        #expect(try render(#"{{ now_sql }}"#, db: "snowflake") == "'2026-01-15 12:00:00'::TIMESTAMP_NTZ")
        #expect(try render(#"{{ now_sql }}"#, db: "bigquery") == "TIMESTAMP('2026-01-15 12:00:00')")
        #expect(try render(#"{{ now_sql }}"#, db: "duckdb") == "TIMESTAMP '2026-01-15 12:00:00'")
    }

    @Test func aBadDurationIsAnErrorOnTheKey() throws {
        #expect {
            try render(#"{{ 'ts'|since:'soon' }}"#, db: "sqlite")
        } throws: { error in
            let text = "\(error)"
            return text.contains("test/test.yaml") && text.contains("ingest_sql") && text.contains("since: expected a duration")
        }
    }
}
