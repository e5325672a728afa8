import Engine
import Fixtures
import Foundation
import Testing

/// The Jinja of Anomstack's templates renders through Stencil as Jinja would render it.
@Suite struct JinjaCompatibilityTests {
    func render(_ template: String, files: [String: String] = [:], extra: String = "") throws -> String {
        var all = files
        all["test/test.yaml"] = "metric_batch: web\ningest_sql: |\n" + template.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n") + "\n" + extra
        let folder = InMemoryMetricsFolder(all)
        let batch = try BatchLoader(folder: folder).loadValid()[0]
        return try TemplateRenderer(folder: folder).render("ingest_sql", of: batch, now: referenceTime)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func setListsAndLoopVariables() throws {
        #expect(
            try render(
                "{% set metrics = ['m1', \"m2\", 'm,3'] %}{% for m in metrics %}{{ loop.index }}/{{ loop.length }}:{{ m }}{% if not loop.last %}|{% endif %}{% endfor %}"
            ) == "1/3:m1|2/3:m2|3/3:m,3")
        #expect(try render("{% for m in ['a', 'b'] %}{{ loop.index0 }}{{ m }}{% if loop.first %}!{% endif %}{% endfor %}") == "0a!1b")
        #expect(try render("{% set n = 3 %}{% set name = metric_batch|uppercase %}{{ n }} {{ name }}") == "3 WEB")
        #expect(try render("{% set empty = [] %}[{% for x in empty %}{{ x }}{% endfor %}]") == "[]")
    }

    @Test func isDefinedAndJoin() throws {
        let template = "{% if flag is defined %}on{% endif %}{% if other is not defined %} off{% endif %} {{ ','.join(names) }}"
        #expect(try render(template, extra: "flag: 1\nnames: [a, b]\n") == "on off a,b")
        #expect(try render("{% if flag is defined %}on{% else %}none{% endif %}") == "none")
    }

    @Test func filtersCalledWithParenthesesAndJinjasFilterNames() throws {
        let extra = "names: [b, a]\nwindow: '7'\nlabel: ' Shop, EU '\n"
        #expect(try render("{{ missing|default('fallback') }} {{ names|join(', ') }} {{ names|length }}", extra: extra) == "fallback b, a 2")
        let text = try render("{{ label|trim|upper }}/{{ label|lower|replace('eu', 'us') }}/", extra: extra)
        #expect(text == "SHOP, EU/ shop, us /", "\(text)")
        let numbers = try render("{{ window|int }} {{ 2.345|round(1) }} {{ names|first }}{{ names|last }}", extra: extra)
        #expect(numbers == "7 2.3 ba", "\(numbers)")
        #expect(try render("{{ metric_batch|replace('w', 'W') }}") == "Web")
    }

    /// Anomstack's `users` example: a `set` and `loop.last` inside an included file.
    @Test func includedFilesAreTranslatedToo() throws {
        let sql = try render(
            "{% include \"./q.sql\" %}",
            files: ["q.sql": "{% set geos = ['ie', 'us'] %}{% for g in geos %}select '{{ g }}'{% if not loop.last %} union all {% endif %}{% endfor %}"])
        #expect(sql == "select 'ie' union all select 'us'")
    }

    /// Only tags and variables are translated: the SQL around them keeps its text.
    @Test func textOutsideTagsIsUntouched() throws {
        #expect(try render("select loop.last, 'x is defined' from t") == "select loop.last, 'x is defined' from t")
    }

    @Test func aBadSetNamesTheProblem() throws {
        #expect {
            try render("{% set 1x = 2 %}")
        } throws: { "\($0)".contains("'1x' is not a variable name") }
        #expect {
            try render("{% set x = ['a %}")
        } throws: { "\($0)".contains("ingest_sql") }
    }
}
