/// Finds the closest valid name to a misspelt one (Levenshtein distance), for "did you mean" hints.
public enum NearestName {
    public static func nearest(to name: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        for candidate in candidates.sorted() {
            let d = distance(name, candidate)
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (candidate, d) = best, d <= max(3, name.count / 2) else { return nil }
        return candidate
    }

    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// Whether `a` becomes `b` by one edit: a letter added, dropped or changed, or two neighbours
    /// swapped (`alert_treshold`, `alert_thresohld`): what a typo of a known key looks like.
    public static func isOneEditAway(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        guard a != b, abs(a.count - b.count) <= 1 else { return false }
        let prefix = zip(a, b).prefix { $0 == $1 }.count
        let restA = a[prefix...]
        let restB = b[prefix...]
        if a.count != b.count {
            return a.count > b.count ? restA.dropFirst().elementsEqual(restB) : restB.dropFirst().elementsEqual(restA)
        }
        if restA.dropFirst().elementsEqual(restB.dropFirst()) { return true }
        // Two neighbours swapped.
        return restA.count >= 2 && restA[prefix] == restB[prefix + 1] && restA[prefix + 1] == restB[prefix]
            && restA.dropFirst(2).elementsEqual(restB.dropFirst(2))
    }
}
