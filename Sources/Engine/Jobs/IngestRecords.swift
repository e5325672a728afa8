import Foundation

/// Turns the rows an ingest query or function returned into metric rows: finds the three
/// columns, parses timestamps and values, rounds, and drops (and counts) rows it cannot use.
struct IngestRecords {
    let batch: String
    let rounding: Int

    struct Result {
        var rows: [MetricRow] = []
        var dropped = 0
        var duplicates = 0
        var firstProblem: String?
    }

    static let timestampColumn = "metric_timestamp"
    static let nameColumn = "metric_name"
    static let valueColumn = "metric_value"

    func convert(_ records: [SourceRow]) throws -> Result {
        var result = Result()
        guard let first = records.first else { return result }
        let missing = [Self.timestampColumn, Self.nameColumn, Self.valueColumn].filter { first[$0] == nil }
        if !missing.isEmpty {
            throw JobError("ingest result lacks column(s) \(missing.joined(separator: ", ")); it has \(first.keys.sorted().joined(separator: ", "))")
        }
        var grouped: [MetricKey: [Double]] = [:]
        let round = DecimalRounding(decimals: rounding)
        for (index, record) in records.enumerated() {
            func drop(_ reason: String) {
                result.dropped += 1
                if result.firstProblem == nil { result.firstProblem = "row \(index + 1): \(reason)" }
            }
            guard let timestamp = Self.timestamp(record[Self.timestampColumn] ?? .null) else {
                drop("metric_timestamp \(Self.show(record[Self.timestampColumn])) is not a timestamp between the years 0001 and 9999")
                continue
            }
            guard let name = Self.name(record[Self.nameColumn] ?? .null) else {
                drop("metric_name \(Self.show(record[Self.nameColumn])) is empty or not text")
                continue
            }
            if let problem = RepresentableValues.nameProblem(name) {
                drop("metric_name \(Self.show(record[Self.nameColumn])) \(problem)")
                continue
            }
            guard let raw = Self.number(record[Self.valueColumn] ?? .null), raw.isFinite else {
                drop("metric_value \(Self.show(record[Self.valueColumn])) is not a finite number")
                continue
            }
            guard RepresentableValues.isValue(raw) else {
                drop("metric_value \(Self.show(record[Self.valueColumn])) is beyond ±1e100, the largest magnitude the engine computes with")
                continue
            }
            let key = MetricKey(timestamp: timestamp, batch: batch, name: name, type: .metric)
            if grouped[key] != nil { result.duplicates += 1 }
            grouped[key, default: []].append(raw)
        }
        // Rows that repeat a (timestamp, metric) in one result are averaged, over sorted values,
        // so the stored value does not depend on the order the rows came in.
        for (key, values) in grouped {
            let raw = values.count == 1 ? values[0] : values.sorted().reduce(0, +) / Double(values.count)
            result.rows.append(MetricRow(timestamp: key.timestamp, batch: batch, name: key.name, type: .metric, value: round(raw)))
        }
        result.rows.sort { ($0.timestamp, $0.name) < ($1.timestamp, $1.name) }
        return result
    }

    static func timestamp(_ value: SourceValue) -> Date? {
        switch value {
        case .text(let s): return MetricTimestamp.parse(s)
        case .integer(let i): return MetricTimestamp.parse(String(i))
        case .real(let d): return d.isFinite ? MetricTimestamp.parse(String(format: "%.3f", d)) : nil
        case .null: return nil
        }
    }

    static func name(_ value: SourceValue) -> String? {
        switch value {
        case .text(let s):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        case .integer(let i): return String(i)
        default: return nil
        }
    }

    static func number(_ value: SourceValue) -> Double? {
        switch value {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        case .text(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        case .null: return nil
        }
    }

    static func show(_ value: SourceValue?) -> String {
        switch value ?? .null {
        case .null: return "null"
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let s):
            // Control characters are shown escaped, so a log line stays one line and a NUL is seen.
            let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
            return "'" + shown.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }.joined()
                + "'"
        }
    }

    /// Parses the JSON an ingest function handed back: an array of objects. Only the three
    /// columns ingest reads are kept from each row (keys match case-insensitively), and the
    /// first row's other column names, for the error that lists them: a row costs about a
    /// hundred bytes rather than a dictionary of every column.
    static func decodeJSON(_ data: Data) throws -> [SourceRow] {
        let decoded: [IngestedJSONRow]
        do {
            decoded = try JSONDecoder().decode([IngestedJSONRow].self, from: data)
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.count == 1 {
            throw JobError("ingest_fn record \((context.codingPath.first?.intValue ?? 0) + 1) is not a mapping")
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            throw JobError("ingest_fn must return a list of records or a DataFrame")
        } catch let error as DecodingError {
            throw JobError("ingest_fn returned output that is not JSON: \(Self.describe(error))")
        }
        return decoded.enumerated().map { index, record in
            var row: SourceRow = [:]
            if index == 0 { for column in record.otherColumns { row[column] = .null } }
            row[timestampColumn] = record.timestamp
            row[nameColumn] = record.name
            row[valueColumn] = record.value
            return row
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): return context.underlyingError.map { "\($0)" } ?? context.debugDescription
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context): return context.debugDescription
        @unknown default: return "\(error)"
        }
    }
}

/// One record of an ingest function's JSON: the three columns ingest reads (absent ones stay
/// absent), and the names of the others.
private struct IngestedJSONRow: Decodable {
    var timestamp: SourceValue?
    var name: SourceValue?
    var value: SourceValue?
    var otherColumns: [String] = []

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        for key in container.allKeys {
            let column = key.stringValue.lowercased()
            switch column {
            case IngestRecords.timestampColumn: timestamp = try Self.value(container, key)
            case IngestRecords.nameColumn: name = try Self.value(container, key)
            case IngestRecords.valueColumn: value = try Self.value(container, key)
            default: otherColumns.append(column)
            }
        }
    }

    private static func value(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> SourceValue {
        if try container.decodeNil(forKey: key) { return .null }
        if let i = try? container.decode(Int64.self, forKey: key) { return .integer(i) }
        if let d = try? container.decode(Double.self, forKey: key) { return .real(d) }
        if let s = try? container.decode(String.self, forKey: key) { return .text(s) }
        if let b = try? container.decode(Bool.self, forKey: key) { return .text(b ? "True" : "False") }
        return .text("(a nested value)")
    }
}
