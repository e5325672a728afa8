import Foundation

/// How the language-model adapters wait out a rate limit or an overloaded endpoint: at most
/// `maxRetries` times, after the `retry-after` the endpoint gives, else 2 then 4 seconds, and
/// never longer than 30 seconds.
enum RateLimitRetry {
    static let maxRetries = 2

    /// The wait before retry number `retry` (from 1).
    static func wait(headers: [String: String], retry: Int) -> TimeInterval {
        min(headers["retry-after"].flatMap(Double.init) ?? Double(1 << retry), 30)
    }
}
