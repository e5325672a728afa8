import Foundation
import Stencil

/// Jinja as Anomstack's templates write it, on top of Stencil, so their folders render as they
/// are: `{% set name = value %}` (a literal, a variable with filters, or a list `[a, 'b', 3]`),
/// `{% for x in [a, b] %}`, `loop.index`, `loop.index0`, `loop.first`, `loop.last`,
/// `loop.length`, `x is defined` / `x is not defined`, `'sep'.join(list)`, filters called with
/// parentheses (`x|default('y')`, `names|join(', ')`) and Jinja's filter names (`upper`, `lower`,
/// `trim`, `length`, `first`, `last`, `int`, `float`, `string`, `round`, `replace`).
///
/// Stencil is kept (it is the well-kept Swift template library, and the engine's own templates
/// and macros are written for it); what Jinja spells differently is translated inside tags and
/// variables only, never in the SQL or Python around them, and `set` and `defined` are a tag and
/// a filter of this extension.
enum JinjaCompatibility {
    /// The Stencil extension: the `set` tag and the `defined` filter.
    static func stencilExtension() -> Extension {
        let jinja = Extension()
        jinja.registerTag("set", parser: SetNode.parse)
        jinja.registerFilter("defined") { (value: Any?) in value != nil }
        // Jinja's names for filters Stencil spells otherwise or lacks.
        jinja.registerFilter("upper") { (value: Any?) in value.map { "\($0)".uppercased() } }
        jinja.registerFilter("lower") { (value: Any?) in value.map { "\($0)".lowercased() } }
        jinja.registerFilter("trim") { (value: Any?) in value.map { "\($0)".trimmingCharacters(in: .whitespacesAndNewlines) } }
        jinja.registerFilter("string") { (value: Any?) in value.map { "\($0)" } ?? "" }
        jinja.registerFilter("length") { (value: Any?) in Self.items(value)?.count ?? value.map { "\($0)".count } ?? 0 }
        jinja.registerFilter("count") { (value: Any?) in Self.items(value)?.count ?? value.map { "\($0)".count } ?? 0 }
        jinja.registerFilter("first") { (value: Any?) in Self.items(value)?.first ?? nil }
        jinja.registerFilter("last") { (value: Any?) in Self.items(value)?.last ?? nil }
        jinja.registerFilter("int") { (value: Any?) in Self.number(value).map { Int($0.rounded(.towardZero)) } ?? 0 }
        jinja.registerFilter("float") { (value: Any?) in Self.number(value) ?? 0.0 }
        jinja.registerFilter("round") { (value: Any?, arguments: [Any?]) in
            let places = arguments.first.flatMap { Self.number($0) }.map { Int($0) } ?? 0
            let factor = pow(10.0, Double(places))
            return Self.number(value).map { ($0 * factor).rounded() / factor } ?? 0.0
        }
        jinja.registerFilter("replace") { (value: Any?, arguments: [Any?]) in
            guard arguments.count == 2, let old = arguments[0].map({ "\($0)" }), let new = arguments[1].map({ "\($0)" }), !old.isEmpty else {
                throw TemplateSyntaxError("replace takes two arguments: replace('old', 'new')")
            }
            return value.map { "\($0)".replacingOccurrences(of: old, with: new) }
        }
        return jinja
    }

    /// A list's items (Stencil hands lists over as arrays of any element type).
    static func items(_ value: Any?) -> [Any?]? {
        guard let array = value as? [Any] else { return nil }
        return array.map { $0 }
    }

    static func number(_ value: Any?) -> Double? {
        switch value {
        case let v as Int: return Double(v)
        case let v as Double: return v
        case let v as Float: return Double(v)  // Stencil's number literals
        case let v as String: return Double(v.trimmingCharacters(in: .whitespaces))
        case let v as Bool: return v ? 1 : 0
        default: return nil
        }
    }

    /// `template` with Jinja's spellings inside `{% %}` and `{{ }}` turned into Stencil's.
    static func translate(_ template: String) -> String {
        guard template.contains("{%") || template.contains("{{") else { return template }
        var result = ""
        var rest = template[...]
        var lists = 0
        while let opening = earliestOpening(in: rest) {
            let close = opening.isTag ? "%}" : "}}"
            guard let end = rest.range(of: close, range: opening.range.upperBound..<rest.endIndex) else { break }
            result += rest[..<opening.range.lowerBound]
            let inner = String(rest[opening.range.upperBound..<end.lowerBound])
            result += opening.isTag ? translateTag(inner, lists: &lists) : "{{" + translateExpression(inner) + "}}"
            rest = rest[end.upperBound...]
        }
        return result + rest
    }

    private static func earliestOpening(in text: Substring) -> (range: Range<Substring.Index>, isTag: Bool)? {
        let tag = text.range(of: "{%")
        let variable = text.range(of: "{{")
        switch (tag, variable) {
        case let (t?, v?): return t.lowerBound < v.lowerBound ? (t, true) : (v, false)
        case let (t?, nil): return (t, true)
        case let (nil, v?): return (v, false)
        default: return nil
        }
    }

    /// `for <names> in [<items>]<rest>`, the whole of a tag's contents.
    private static let inlineListLoop = try! NSRegularExpression(
        pattern: #"^(-?\s*for\s+[A-Za-z_][\w, ]*\s+in\s+)(\[.*\])(.*)$"#, options: [.dotMatchesLineSeparators])

    /// One tag's contents (between `{%` and `%}`, whitespace-control dashes included).
    private static func translateTag(_ inner: String, lists: inout Int) -> String {
        let contents = translateExpression(inner)
        // `{% for x in [a, b] %}`: Stencil loops over variables, so the list is set first.
        if let found = inlineListLoop.firstMatch(in: contents, range: NSRange(contents.startIndex..., in: contents)),
            let head = Range(found.range(at: 1), in: contents), let list = Range(found.range(at: 2), in: contents),
            let tail = Range(found.range(at: 3), in: contents)
        {
            lists += 1
            let name = "jinja_list_\(lists)"
            return "{% set \(name) = \(contents[list]) %}{%\(contents[head])\(name)\(contents[tail])%}"
        }
        return "{%" + contents + "%}"
    }

    /// Jinja's spellings inside one tag or variable.
    private static func translateExpression(_ text: String) -> String {
        var text = text
        for (jinja, stencil) in [("index0", "counter0"), ("index", "counter"), ("first", "first"), ("last", "last"), ("length", "length")] {
            text = text.replacingOccurrences(of: #"(?<![\w.])loop\.\#(jinja)\b"#, with: "forloop.\(stencil)", options: .regularExpression)
        }
        text = text.replacingOccurrences(of: #"([\w.]+)\s+is\s+not\s+defined\b"#, with: "not $1|defined", options: .regularExpression)
        text = text.replacingOccurrences(of: #"([\w.]+)\s+is\s+defined\b"#, with: "$1|defined", options: .regularExpression)
        text = text.replacingOccurrences(
            of: #"(['"])([^'"]*)\1\.join\(\s*([\w.]+)\s*\)"#, with: "$3|join:\"$2\"", options: .regularExpression)
        // Jinja calls a filter with arguments in parentheses (`x|default('y')`); Stencil after a colon.
        text = translateFilterCalls(text)
        return text
    }
}

extension JinjaCompatibility {
    /// `|name(a, b)` as `|name:a,b`, the arguments split at commas outside quotes.
    static func translateFilterCalls(_ text: String) -> String {
        var result = ""
        var rest = text[...]
        while let bar = rest.firstIndex(of: "|") {
            result += rest[...bar]
            var cursor = rest.index(after: bar)
            while cursor < rest.endIndex, rest[cursor] == " " { cursor = rest.index(after: cursor) }
            let nameStart = cursor
            while cursor < rest.endIndex, rest[cursor].isLetter || rest[cursor].isNumber || rest[cursor] == "_" { cursor = rest.index(after: cursor) }
            let name = rest[nameStart..<cursor]
            guard !name.isEmpty, cursor < rest.endIndex, rest[cursor] == "(", let close = closingParenthesis(in: rest, from: cursor) else {
                rest = rest[rest.index(after: bar)...]
                continue
            }
            let arguments = (try? SetNode.splitList(String(rest[rest.index(after: cursor)..<close]))) ?? []
            result += name + (arguments.isEmpty ? "" : ":" + arguments.joined(separator: ","))
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The `)` that closes the `(` at `open`, skipping quoted text, or nil.
    private static func closingParenthesis(in text: Substring, from open: Substring.Index) -> Substring.Index? {
        var depth = 0
        var quote: Character?
        var index = open
        while index < text.endIndex {
            let character = text[index]
            if let q = quote {
                if character == q { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
            index = text.index(after: index)
        }
        return nil
    }
}

/// `{% set name = value %}`: `value` is a literal, a variable with filters, or a list of them in
/// brackets; the name is set in the current scope (inside a loop, for that pass, as in Jinja).
private final class SetNode: NodeType {
    let name: String
    let value: (any Resolvable)?
    let items: [any Resolvable]?
    let token: Token?

    init(name: String, value: (any Resolvable)?, items: [any Resolvable]?, token: Token) {
        self.name = name
        self.value = value
        self.items = items
        self.token = token
    }

    static func parse(_ parser: TokenParser, token: Token) throws -> any NodeType {
        let contents = token.contents.trimmingCharacters(in: .whitespaces)
        guard contents.hasPrefix("set"), let equals = contents.firstIndex(of: "=") else {
            throw TemplateSyntaxError("'set' expects `{% set name = value %}`")
        }
        let name = contents[contents.index(contents.startIndex, offsetBy: 3)..<equals].trimmingCharacters(in: .whitespaces)
        guard ConfigSchema.isIdentifier(name) else { throw TemplateSyntaxError("'set': '\(name)' is not a variable name") }
        let expression = contents[contents.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard !expression.isEmpty else { throw TemplateSyntaxError("'set \(name)' has no value") }
        if expression.hasPrefix("[") {
            guard expression.hasSuffix("]") else { throw TemplateSyntaxError("'set \(name)': the list does not end with ]") }
            let body = String(expression.dropFirst().dropLast())
            let items = try splitList(body).map { try parser.compileResolvable($0, containedIn: token) }
            return SetNode(name: name, value: nil, items: items, token: token)
        }
        return SetNode(name: name, value: try parser.compileResolvable(expression, containedIn: token), items: nil, token: token)
    }

    /// The items of a list's body, split at commas outside quotes.
    static func splitList(_ body: String) throws -> [String] {
        var items: [String] = []
        var current = ""
        var quote: Character?
        for character in body {
            if let q = quote {
                current.append(character)
                if character == q { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character == "," {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        guard quote == nil else { throw TemplateSyntaxError("'set': a quote in the list is not closed") }
        items.append(current)
        let trimmed = items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        // `[]` is an empty list; `[a, ]` ends with a trailing comma, as Jinja allows.
        if trimmed == [""] { return [] }
        return trimmed.last == "" ? Array(trimmed.dropLast()) : trimmed
    }

    func render(_ context: Context) throws -> String {
        if let items {
            context[name] = try items.map { try $0.resolve(context) ?? "" }
        } else {
            context[name] = try value?.resolve(context)
        }
        return ""
    }
}
