import Foundation

/// A CSV file read whole (RFC 4180: comma-separated fields, double-quoted fields that may hold
/// commas, quotes as `""` and line breaks; records end with LF, CRLF or CR). The one reader for
/// the CSV the engine takes in: NAB's data and results files, scenario series and the benchmark.
/// Errors name the file and the line a record starts on.
public struct CSVTable: Sendable {
    public let file: String
    /// The header row's names, trimmed and lower-cased; empty when the table has no header.
    public let header: [String]
    public let rows: [[String]]
    /// The line each row starts on, for errors (1 is the file's first line).
    public let lines: [Int]

    /// Reads a file; `hasHeader` false takes every record as a row.
    public static func read(_ url: URL, hasHeader: Bool = true) throws -> CSVTable {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CSVError("\(url.path): cannot read: \(error.localizedDescription)")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: url.path, hasHeader: hasHeader)
    }

    /// Parses text; `file` names it in errors. Blank records are skipped.
    public static func parse(_ text: String, file: String, hasHeader: Bool = true) throws -> CSVTable {
        var records = try Self.records(text, file: file)
        guard !records.isEmpty else { throw CSVError("\(file): empty file") }
        var header: [String] = []
        if hasHeader {
            header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        }
        return CSVTable(file: file, header: header, rows: records.map(\.fields), lines: records.map(\.line))
    }

    /// The index of a header column.
    public func column(_ name: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw CSVError("\(file): no '\(name)' column (header: \(header.joined(separator: ",")))")
        }
        return index
    }

    /// A column of UTC times.
    public func times(_ name: String) throws -> [Date] {
        let c = try column(name)
        return try rows.indices.map { i in
            guard let t = MetricTimestamp.parse(field(i, c)) else { throw badField(i, name, c) }
            return t
        }
    }

    /// A column of finite numbers.
    public func numbers(_ name: String) throws -> [Double] {
        let c = try column(name)
        return try rows.indices.map { i in
            guard let v = Double(field(i, c)), v.isFinite else { throw badField(i, name, c) }
            return v
        }
    }

    /// Row `row`'s field `column`, trimmed; empty when the row is shorter.
    public func field(_ row: Int, _ column: Int) -> String {
        column < rows[row].count ? rows[row][column].trimmingCharacters(in: .whitespaces) : ""
    }

    /// "file row N: bad NAME 'text'", N counting lines from 1 as an editor does.
    public func badField(_ row: Int, _ name: String, _ column: Int) -> CSVError {
        CSVError("\(file) row \(lines[row]): bad \(name) '\(field(row, column))'")
    }

    private static func records(_ text: String, file: String) throws -> [(fields: [String], line: Int)] {
        var records: [(fields: [String], line: Int)] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        var line = 1
        var recordLine = 1
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].allSatisfy(\.isWhitespace)) { records.append((fields, recordLine)) }
            fields.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\"") where field.allSatisfy({ $0 == UInt8(ascii: " ") }) && !wasQuoted:
                    field.removeAll()
                    quoted = true
                    wasQuoted = true
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    if byte == UInt8(ascii: "\r"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { i += 1 }
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    field.append(byte)
                }
            }
            i += 1
        }
        if quoted { throw CSVError("\(file) row \(recordLine): a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}

/// A CSV input problem, naming the file (and line) at fault.
public struct CSVError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
