import Foundation

/// Keeps a name that becomes one path component (a model file, a chart) within what file systems
/// allow, 255 bytes, with room for the suffixes the engine adds (`.fingerprint`, `.tmp`, `.png`).
public enum FileNameComponent {
    /// The longest component the engine writes before its suffixes.
    public static let limit = 160

    /// `component` as it is when short enough; otherwise its first bytes and a hash of `identity`
    /// (the unencoded name), so two long names that share a prefix stay two files.
    public static func capped(_ component: String, identity: String) -> String {
        guard component.utf8.count > limit else { return component }
        var hash = StableHash()
        hash.combine(identity)
        var prefix = Substring(component)
        while prefix.utf8.count > limit - 17 { prefix = prefix.dropLast() }
        return prefix + "~" + hash.hex
    }
}
