/// Prometheus `promtool test rules` expanding notation for a series' values: space-separated
/// items, where `a` is one value, `a+bxn` is `a, a+b, ..., a+n·b` (n+1 values), `a-bxn` counts
/// down, `axn` repeats `a` n+1 times, `_` is a missing sample and `_xn` n missing samples.
enum SeriesNotation {
    static func expand(_ text: String) -> Result<[Double?], SeriesNotationError> {
        var values: [Double?] = []
        for item in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            let token = String(item)
            if token == "_" {
                values.append(nil)
                continue
            }
            if token.hasPrefix("_x") {
                guard let n = Int(token.dropFirst(2)), n > 0 else { return .failure(SeriesNotationError(token: token)) }
                values += Array(repeating: nil, count: n)
                continue
            }
            guard let xIndex = token.lastIndex(of: "x") else {
                guard let v = Double(token) else { return .failure(SeriesNotationError(token: token)) }
                values.append(v)
                continue
            }
            guard let n = Int(token[token.index(after: xIndex)...]), n >= 0 else { return .failure(SeriesNotationError(token: token)) }
            let head = token[..<xIndex]
            // The step's sign separates start and step: find the last + or - that is not a leading sign or an exponent's.
            var split: String.Index?
            var index = head.endIndex
            while index > head.startIndex {
                index = head.index(before: index)
                let c = head[index]
                if (c == "+" || c == "-") && index != head.startIndex {
                    let before = head[head.index(before: index)]
                    if before != "e" && before != "E" {
                        split = index
                        break
                    }
                }
            }
            let start: Double
            let step: Double
            if let split {
                guard let a = Double(head[..<split]), let b = Double(head[head.index(after: split)...]) else {
                    return .failure(SeriesNotationError(token: token))
                }
                start = a
                step = head[split] == "-" ? -b : b
            } else {
                guard let a = Double(head) else { return .failure(SeriesNotationError(token: token)) }
                start = a
                step = 0
            }
            for k in 0...n { values.append(start + Double(k) * step) }
        }
        return .success(values)
    }
}

struct SeriesNotationError: Error {
    let token: String
}
