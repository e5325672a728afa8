import Foundation

/// How `engine backtest --cross-validate` splits a corpus into folds: by category (the first
/// folder of each series' path: NAB's data sources, a feedback batch), one series per fold, or
/// `k` folds of whole series dealt round-robin in path order. A series never straddles folds, so a
/// setting is never scored on a series whose other rows chose it.
public enum FoldScheme: Sendable, Hashable, CustomStringConvertible {
    case category
    case file
    case k(Int)

    /// `category`, `file` or `k=N` (N at least 2).
    public init(parsing text: String) throws {
        switch text {
        case "category": self = .category
        case "file": self = .file
        default:
            guard text.hasPrefix("k="), let n = Int(text.dropFirst(2)), n >= 2 else {
                throw BacktestError("--cross-validate '\(text)': expected category, file or k=N with N at least 2")
            }
            self = .k(n)
        }
    }

    public var description: String {
        switch self {
        case .category: "category"
        case .file: "file"
        case .k(let n): "k=\(n)"
        }
    }

    /// One fold: its name and the indices of its series in the corpus, in corpus order.
    public struct Fold: Sendable, Hashable {
        public var name: String
        public var members: [Int]
    }

    /// The folds of `corpus`, in a fixed order (by name; `k` folds by number). At least two folds,
    /// or an error saying why there cannot be.
    public func folds(of corpus: [NABSeries]) throws -> [Fold] {
        var folds: [Fold]
        switch self {
        case .category:
            let byCategory = Dictionary(grouping: corpus.indices) { Self.category(of: corpus[$0].path) }
            folds = byCategory.keys.sorted().map { Fold(name: $0, members: byCategory[$0]!.sorted()) }
        case .file:
            folds = corpus.indices.map { Fold(name: corpus[$0].path, members: [$0]) }.sorted { $0.name < $1.name }
        case .k(let n):
            guard n <= corpus.count else {
                throw BacktestError("--cross-validate k=\(n): the corpus has only \(corpus.count) series, one fold needs at least one")
            }
            let order = corpus.indices.sorted { corpus[$0].path < corpus[$1].path }
            folds = (0..<n).map { f in
                Fold(name: "fold \(f + 1) of \(n)", members: order.enumerated().filter { $0.offset % n == f }.map(\.element).sorted())
            }
        }
        guard folds.count >= 2 else {
            throw BacktestError("--cross-validate \(self): the corpus makes \(folds.count) fold, and cross-validation needs at least 2")
        }
        return folds
    }

    /// The first folder of a series' path, or the path itself when it has none.
    static func category(of path: String) -> String {
        path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? path
    }
}
