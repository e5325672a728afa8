import Engine
import Foundation

/// One difference between a golden file and a replay's output.
public struct GoldenDifference: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line in the golden file.
    public var line: Int
    /// What identifies the row (timestamp and metric), for people.
    public var row: String
    public var field: String
    public var expected: String
    public var got: String
    /// The surrounding golden lines and the produced line, for context.
    public var context: [String]

    public var description: String {
        var text = "\(file) line \(line)\(row.isEmpty ? "" : " (\(row))"): \(field): expected \(expected), got \(got)"
        for line in context { text += "\n      \(line)" }
        return text
    }
}

/// Compares outputs with goldens: CSV and JSON-lines files row by row and field by field, with
/// the scenario's tolerances on scores and values and exact matching elsewhere.
public enum GoldenComparison {
    static let scoreFields: Set<String> = ["score", "smoothed_score", "threshold"]
    static let valueFields: Set<String> = ["value"]

    /// The differences between a golden and an output, at most `limit`. CSV and JSON-lines rows
    /// are matched by their key (timestamp, metric and, for deliveries, kind and channel), so a
    /// missing or extra row is named as such instead of shifting every row after it; rows that
    /// share a key pair up in order. Other files compare line by line.
    public static func compare(file: String, expected: String, got: String, tolerance: Tolerance, limit: Int = 5) -> [GoldenDifference] {
        let e = expected.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init).dropLastEmpty()
        let g = got.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init).dropLastEmpty()
        let isCSV = file.hasSuffix(".csv")
        guard isCSV || file.hasSuffix(".jsonl") else { return positional(file: file, e, g, tolerance: tolerance, limit: limit) }
        var differences: [GoldenDifference] = []
        let header = isCSV ? (e.first ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []
        let body = isCSV ? 1 : 0
        if isCSV, e.first != g.first {
            differences.append(
                GoldenDifference(
                    file: file, line: 1, row: "", field: "header", expected: e.first ?? "(no row)", got: g.first ?? "(no row)",
                    context: []))
        }
        // Each key's rows on either side, in file order.
        var expectedRows: [String: [Int]] = [:]
        var gotRows: [String: [Int]] = [:]
        for i in e.indices.dropFirst(body) { expectedRows[rowKey(e[i], isCSV: isCSV), default: []].append(i) }
        for i in g.indices.dropFirst(body) { gotRows[rowKey(g[i], isCSV: isCSV), default: []].append(i) }
        // Pairs of (expected line, got line), either side nil for a missing or an extra row, in
        // the order of the golden (extra rows where they fall in the output).
        var pairs: [(Int?, Int?)] = []
        for key in Set(expectedRows.keys).union(gotRows.keys) {
            let a = expectedRows[key] ?? []
            let b = gotRows[key] ?? []
            for k in 0..<max(a.count, b.count) { pairs.append((k < a.count ? a[k] : nil, k < b.count ? b[k] : nil)) }
        }
        pairs.sort { ($0.0 ?? $0.1 ?? 0, $0.0 == nil ? 1 : 0) < ($1.0 ?? $1.1 ?? 0, $1.0 == nil ? 1 : 0) }
        for (ei, gi) in pairs where differences.count < limit {
            switch (ei, gi) {
            case (let ei?, let gi?):
                if e[ei] == g[gi] { continue }
                let fields =
                    isCSV
                    ? csvDifferences(header: header, expected: e[ei], got: g[gi], tolerance: tolerance)
                    : jsonDifferences(expected: e[ei], got: g[gi], tolerance: tolerance)
                for (field, ev, gv) in fields where differences.count < limit {
                    differences.append(
                        GoldenDifference(
                            file: file, line: ei + 1, row: rowLabel(e[ei], isCSV: isCSV), field: field, expected: ev, got: gv,
                            context: context(e, g, ei, gi)))
                }
            case (let ei?, nil):
                differences.append(
                    GoldenDifference(
                        file: file, line: ei + 1, row: rowLabel(e[ei], isCSV: isCSV), field: "missing row", expected: e[ei],
                        got: "(no row)", context: []))
            case (nil, let gi?):
                differences.append(
                    GoldenDifference(
                        file: file, line: gi + 1, row: rowLabel(g[gi], isCSV: isCSV), field: "extra row", expected: "(no row)",
                        got: g[gi], context: []))
            case (nil, nil):
                continue
            }
        }
        return differences
    }

    /// The rows of a CSV or JSON-lines golden stamped before `until` (a CSV keeps its header):
    /// the row at `until` itself may not be scored yet when the run stops; nil for a file without
    /// timestamped rows.
    public static func rows(of text: String, file: String, through until: Date) -> String? {
        let isCSV = file.hasSuffix(".csv")
        guard isCSV || file.hasSuffix(".jsonl") else { return nil }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init).dropLastEmpty()
        let kept = lines.enumerated().filter { index, line in
            if isCSV && index == 0 { return true }
            let stamp: String?
            if isCSV {
                stamp = line.split(separator: ",", maxSplits: 1).first.map(String.init)
            } else {
                stamp = (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["timestamp"] as? String
            }
            // A row without a readable time is kept: better compared than silently dropped.
            guard let stamp, let time = MetricTimestamp.parse(stamp) else { return true }
            return time < until
        }
        return kept.isEmpty ? "" : kept.map(\.element).joined(separator: "\n") + "\n"
    }

    /// Line-by-line comparison, for files without rows (charts).
    static func positional(file: String, _ e: [String], _ g: [String], tolerance: Tolerance, limit: Int) -> [GoldenDifference] {
        var differences: [GoldenDifference] = []
        for index in 0..<max(e.count, g.count) where differences.count < limit {
            let expectedLine = index < e.count ? e[index] : nil
            let gotLine = index < g.count ? g[index] : nil
            if expectedLine == gotLine { continue }
            differences.append(
                GoldenDifference(
                    file: file, line: index + 1, row: "", field: expectedLine == nil || gotLine == nil ? "row" : "line",
                    expected: expectedLine ?? "(no row)", got: gotLine ?? "(no row)", context: context(e, g, index, index)))
        }
        return differences
    }

    /// What identifies a row: a CSV row's first two fields (timestamp, metric); a JSON line's
    /// timestamp, metric, kind, channel and id where present; the whole line otherwise.
    static func rowKey(_ line: String, isCSV: Bool) -> String {
        if isCSV {
            let parts = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            return parts.count > 1 ? "\(parts[0]),\(parts[1])" : line
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return line }
        let fields = ["timestamp", "metric", "alert_type", "method", "id"].compactMap { key in object[key].map { "\(key)=\($0)" } }
        return fields.isEmpty ? line : fields.joined(separator: "|")
    }

    static func csvDifferences(header: [String], expected: String, got: String, tolerance: Tolerance) -> [(String, String, String)] {
        let ev = expected.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let gv = got.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard ev.count == gv.count else { return [("row", expected, got)] }
        var out: [(String, String, String)] = []
        for i in ev.indices where ev[i] != gv[i] {
            let name = i < header.count ? header[i] : "column \(i + 1)"
            if scoreFields.contains(name) || valueFields.contains(name), let a = Double(ev[i]), let b = Double(gv[i]),
                tolerance.allows(a, b, field: valueFields.contains(name) ? "value" : "score")
            {
                continue
            }
            out.append((name, ev[i].isEmpty ? "(empty)" : ev[i], gv[i].isEmpty ? "(empty)" : gv[i]))
        }
        return out
    }

    static func jsonDifferences(expected: String, got: String, tolerance: Tolerance) -> [(String, String, String)] {
        guard let a = try? JSONSerialization.jsonObject(with: Data(expected.utf8)) as? [String: Any],
            let b = try? JSONSerialization.jsonObject(with: Data(got.utf8)) as? [String: Any]
        else {
            return [("line", expected, got)]
        }
        var out: [(String, String, String)] = []
        for key in Set(a.keys).union(b.keys).sorted() {
            let av = a[key]
            let bv = b[key]
            if let x = av as? NSNumber, let y = bv as? NSNumber, !(av is Bool),
                scoreFields.contains(key) || valueFields.contains(key)
            {
                if !tolerance.allows(x.doubleValue, y.doubleValue, field: valueFields.contains(key) ? "value" : "score") {
                    out.append((key, "\(x)", "\(y)"))
                }
                continue
            }
            if !same(av, bv) {
                out.append((key, av.map { "\($0)" } ?? "(absent)", bv.map { "\($0)" } ?? "(absent)"))
            }
        }
        return out
    }

    /// Whether two parsed JSON values are equal, compared through their canonical serialisation.
    static func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (nil, _), (_, nil): return false
        default:
            let options: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed]
            let x = try? JSONSerialization.data(withJSONObject: a!, options: options)
            let y = try? JSONSerialization.data(withJSONObject: b!, options: options)
            return x != nil && x == y
        }
    }

    static func rowLabel(_ line: String, isCSV: Bool) -> String {
        if isCSV {
            let parts = line.split(separator: ",", omittingEmptySubsequences: false)
            return parts.count > 1 ? "\(parts[0]), \(parts[1])" : ""
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return "" }
        return [object["timestamp"], object["metric"]].compactMap { $0.map { "\($0)" } }.joined(separator: ", ")
    }

    /// The golden line before, the golden line and the output line.
    static func context(_ expected: [String], _ got: [String], _ index: Int, _ gotIndex: Int) -> [String] {
        var lines: [String] = []
        if index > 0, index - 1 < expected.count { lines.append("  \(expected[index - 1])") }
        if index < expected.count { lines.append("- \(expected[index])") }
        if gotIndex < got.count { lines.append("+ \(got[gotIndex])") }
        return lines
    }
}

extension Array where Element == String {
    fileprivate func dropLastEmpty() -> [String] { last == "" ? Array(dropLast()) : self }
}
