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

    public static func compare(file: String, expected: String, got: String, tolerance: Tolerance, limit: Int = 5) -> [GoldenDifference] {
        let e = expected.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init).dropLastEmpty()
        let g = got.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init).dropLastEmpty()
        var differences: [GoldenDifference] = []
        let isCSV = file.hasSuffix(".csv")
        let header = isCSV ? (e.first ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init) : []
        for index in 0..<max(e.count, g.count) where differences.count < limit {
            let expectedLine = index < e.count ? e[index] : nil
            let gotLine = index < g.count ? g[index] : nil
            guard let expectedLine, let gotLine else {
                differences.append(
                    GoldenDifference(
                        file: file, line: index + 1, row: rowLabel(expectedLine ?? gotLine ?? "", isCSV: isCSV),
                        field: "row", expected: expectedLine ?? "(no row)", got: gotLine ?? "(no row)",
                        context: context(e, g, index)))
                continue
            }
            if expectedLine == gotLine { continue }
            let fields =
                isCSV && index > 0
                ? csvDifferences(header: header, expected: expectedLine, got: gotLine, tolerance: tolerance)
                : isCSV ? [("header", expectedLine, gotLine)] : jsonDifferences(expected: expectedLine, got: gotLine, tolerance: tolerance)
            for (field, ev, gv) in fields where differences.count < limit {
                differences.append(
                    GoldenDifference(
                        file: file, line: index + 1, row: rowLabel(expectedLine, isCSV: isCSV), field: field,
                        expected: ev, got: gv, context: context(e, g, index)))
            }
        }
        return differences
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

    static func context(_ expected: [String], _ got: [String], _ index: Int) -> [String] {
        var lines: [String] = []
        if index > 0, index - 1 < expected.count { lines.append("  \(expected[index - 1])") }
        if index < expected.count { lines.append("- \(expected[index])") }
        if index < got.count { lines.append("+ \(got[index])") }
        return lines
    }
}

extension Array where Element == String {
    fileprivate func dropLastEmpty() -> [String] { last == "" ? Array(dropLast()) : self }
}
