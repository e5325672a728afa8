import Engine
import Foundation

/// The API token and the session cookies signed with it. A cookie holds a session id (open in
/// `SessionRegistry`) and an HMAC of it keyed by the token, never the token itself: a leaked
/// cookie does not reveal the token, changing the token ends every session, and logging out
/// closes the id.
public struct AccessToken: Sendable {
    public static let cookieName = "engine_session"
    let token: String

    public init(_ token: String) {
        self.token = token
    }

    /// The cookie value for session `id`.
    public func sessionValue(for id: String) -> String {
        id + "." + signature(id)
    }

    /// The session id a cookie value carries, if its signature is valid.
    public func sessionID(from candidate: String) -> String? {
        let parts = candidate.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, Self.equal(String(parts[1]), signature(String(parts[0]))) else { return nil }
        return String(parts[0])
    }

    /// The session id of the request's cookie, if it carries a validly signed one.
    func sessionID(cookies: [String]) -> String? {
        for header in cookies {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                guard pair.hasPrefix(Self.cookieName + "=") else { continue }
                if let id = sessionID(from: String(pair.dropFirst(Self.cookieName.count + 1))) { return id }
            }
        }
        return nil
    }

    /// Whether `candidate` is the token, compared in constant time.
    public func accepts(token candidate: String) -> Bool { Self.equal(candidate, token) }

    private func signature(_ encodedName: String) -> String {
        Hex.encode(HMACSHA256.mac(key: Array(token.utf8), message: Array("engine-session-v2:\(encodedName)".utf8)))
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !y.isEmpty else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
