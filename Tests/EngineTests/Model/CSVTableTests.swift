import Engine
import Foundation
import Testing

@Suite struct CSVTableTests {
    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let text =
            "timestamp,value,note\r\n2026-01-01 00:00:00,1,\"a, \"\"b\"\"\"\r\n\r\n2026-01-01 01:00:00,2,\"two\nlines\"\n2026-01-01 02:00:00,3,x"
        let table = try CSVTable.parse(text, file: "t.csv")
        #expect(table.header == ["timestamp", "value", "note"])
        #expect(table.rows.map { $0[2] } == ["a, \"b\"", "two\nlines", "x"])
        #expect(table.lines == [2, 4, 6], "rows are numbered by the line they start on; the blank line is skipped")
        #expect(try table.numbers("value") == [1, 2, 3])
    }

    @Test func oldMacLineEndsAndNoHeaderRead() throws {
        let table = try CSVTable.parse("2026-01-01 00:00:00,1\r2026-01-01 01:00:00,2\r", file: "t.csv", hasHeader: false)
        #expect(table.header.isEmpty && table.rows.count == 2 && table.field(1, 1) == "2")
    }

    @Test func problemsNameTheFileAndLine() {
        #expect(throws: CSVError.self) { try CSVTable.parse("", file: "e.csv") }
        let unclosed = #expect(throws: CSVError.self) { try CSVTable.parse("a,b\n1,\"open\n2,3", file: "q.csv") }
        #expect(unclosed?.description == "q.csv row 2: a quoted field is not closed")
        let bad = #expect(throws: CSVError.self) {
            try CSVTable.parse("timestamp,value\n2026-01-01 00:00:00,1\n2026-01-01 01:00:00,n/a", file: "v.csv").numbers("value")
        }
        #expect(bad?.description == "v.csv row 3: bad value 'n/a'")
        let missing = #expect(throws: CSVError.self) { try CSVTable.parse("a,b\n1,2", file: "c.csv").column("value") }
        #expect(missing?.description.contains("no 'value' column") == true)
    }
}
