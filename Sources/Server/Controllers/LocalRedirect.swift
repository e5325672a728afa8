import Foundation

/// Where a redirect after a form may go: a path on this server only. Browsers read `//host` and
/// `/\host` (a backslash counts as a slash) as another site, and drop tabs and newlines from a
/// URL, so any of those, or a control character, sends the user to `/` instead.
enum LocalRedirect {
    static func target(_ location: String?) -> String {
        guard let location, location.hasPrefix("/"),
            !location.contains("\\"), !location.dropFirst().hasPrefix("/"),
            !location.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " })
        else { return "/" }
        return location
    }
}
