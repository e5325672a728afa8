import Foundation

/// The files a template includes, followed through the metrics folder before anything renders,
/// so that a file that includes itself (directly or through others), or a chain deeper than
/// `maxDepth`, is an error naming the chain instead of a stack overflow at ingest time.
/// Includes whose name is not a literal (`{% include name %}`) cannot be followed here; the
/// renderer's own include count bounds those.
public struct IncludeGraph: Sendable {
    public let folder: any MetricsFolder

    /// The deepest chain of includes accepted.
    public static let maxDepth = 16

    public init(folder: any MetricsFolder) {
        self.folder = folder
    }

    /// "include cycle: a.sql → b.sql → a.sql", "includes nested deeper than 16: …", or nil.
    /// A file that cannot be read is left to the renderer, which names it.
    public func problem(in template: String) -> String? {
        walk(template, chain: [])
    }

    private func walk(_ template: String, chain: [String]) -> String? {
        for name in Self.includedNames(template) {
            let path = Self.normalised(name)
            if let start = chain.firstIndex(of: path) {
                return "include cycle: " + (chain[start...] + [path]).joined(separator: " → ")
            }
            guard chain.count < Self.maxDepth else {
                return "includes nested deeper than \(Self.maxDepth): " + (chain + [path]).joined(separator: " → ")
            }
            guard let text = try? folder.read(path) else { continue }
            if let problem = walk(text, chain: chain + [path]) { return problem }
        }
        return nil
    }

    /// The literal names of `{% include "name" %}` and `{% include 'name' %}` tags, in order.
    public static func includedNames(_ template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let open = rest.range(of: "{%") {
            guard let close = rest[open.upperBound...].range(of: "%}") else { break }
            let tag = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "-")))
            rest = rest[close.upperBound...]
            guard tag.hasPrefix("include") else { continue }
            let argument = tag.dropFirst("include".count).trimmingCharacters(in: .whitespaces)
            guard let quote = argument.first, quote == "\"" || quote == "'" else { continue }
            let body = argument.dropFirst()
            guard let end = body.firstIndex(of: quote) else { continue }
            names.append(String(body[..<end]))
        }
        return names
    }

    /// The folder path an include name reads (as the renderer's loader resolves it).
    public static func normalised(_ name: String) -> String {
        var path = name
        while path.hasPrefix("./") { path.removeFirst(2) }
        return path
    }
}
