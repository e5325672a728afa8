import Foundation

/// The secrets a prompt must never carry: every value of an environment variable whose name says
/// it is one (KEY, TOKEN, SECRET, PASSWORD), blanked out of each prompt before it leaves. Shared
/// by the language-model adapters.
struct PromptSecrets: Sendable {
    /// Longest first, so a secret that contains another is blanked whole; short values (under 8
    /// characters) are left, since blanking them would mangle ordinary words.
    let values: [String]

    init(_ values: [String]) {
        self.values = values.filter { $0.count >= 8 }.sorted { $0.count > $1.count }
    }

    init(environment: [String: String]) {
        self.init(
            environment.filter { name, _ in ["KEY", "TOKEN", "SECRET", "PASSWORD"].contains { name.uppercased().contains($0) } }.map(\.value))
    }

    func redact(_ text: String) -> String {
        values.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}
