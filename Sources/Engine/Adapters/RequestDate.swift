import Foundation

/// A time as request-signing schemes write it: UTC, in a fixed English (POSIX) locale.
enum RequestDate {
    /// `20130524T000000Z` (AWS Signature V4).
    static let compact = "yyyyMMdd'T'HHmmss'Z'"
    /// `Fri, 24 May 2013 00:00:00 GMT` (HTTP dates, Azure's `x-ms-date`).
    static let http = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"

    static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
