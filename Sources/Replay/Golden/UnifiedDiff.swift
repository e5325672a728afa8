/// A unified diff (`diff -u`'s format, with three lines of context) of a golden and an output,
/// for `engine replay --diff`. The edit script is the standard library's
/// `CollectionDifference` (a Myers diff); this only lays it out in hunks.
enum UnifiedDiff {
    /// The diff of `old` against `new`; empty when they are the same. At most `maxLines` lines
    /// of hunks are shown, and the rest counted.
    static func text(old: [String], new: [String], oldName: String, newName: String, context: Int = 3, maxLines: Int = 200) -> String {
        let difference = new.difference(from: old)
        guard !difference.isEmpty else { return "" }
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        // The edit script in file order: (mark, line, old line number, new line number), 1-based.
        var ops: [(mark: Character, line: String, old: Int, new: Int)] = []
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            if i < old.count && removed.contains(i) {
                ops.append(("-", old[i], i + 1, j + 1))
                i += 1
            } else if j < new.count && (inserted.contains(j) || i >= old.count) {
                ops.append(("+", new[j], i + 1, j + 1))
                j += 1
            } else {
                ops.append((" ", old[i], i + 1, j + 1))
                i += 1
                j += 1
            }
        }
        let changed = ops.indices.filter { ops[$0].mark != " " }
        // Hunks: runs of changes less than two contexts apart, with their context around them.
        var hunks: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(index - context, 0)...min(index + context, ops.count - 1)
            if let last = hunks.last, range.lowerBound <= last.upperBound + 1 {
                hunks[hunks.count - 1] = last.lowerBound...range.upperBound
            } else {
                hunks.append(range)
            }
        }
        var lines = ["--- \(oldName)", "+++ \(newName)"]
        var shown = 0
        var hidden = 0
        for hunk in hunks {
            let slice = ops[hunk]
            let oldCount = slice.filter { $0.mark != "+" }.count
            let newCount = slice.filter { $0.mark != "-" }.count
            let oldStart = slice.first.map { oldCount == 0 ? $0.old - 1 : $0.old } ?? 0
            let newStart = slice.first.map { newCount == 0 ? $0.new - 1 : $0.new } ?? 0
            let body = ["@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@"] + slice.map { "\($0.mark)\($0.line)" }
            if shown + body.count > maxLines {
                hidden += body.count
                continue
            }
            lines += body
            shown += body.count
        }
        if hidden > 0 { lines.append("… \(hidden) more lines of diff") }
        return lines.joined(separator: "\n")
    }
}
