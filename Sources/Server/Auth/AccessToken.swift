import Engine
import Foundation

/// The API token and the session cookies derived from it. A cookie holds the name the user gave
/// at login and an HMAC of it keyed by the token, never the token itself: a leaked cookie does
/// not reveal the token, and changing the token ends every session.
public struct AccessToken: Sendable {
    public static let cookieName = "engine_session"
    let token: String

    public init(_ token: String) {
        self.token = token
    }

    /// The cookie value for a user who logged in as `name`.
    public func sessionValue(for name: String) -> String {
        let encoded = Data(name.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return encoded + "." + signature(encoded)
    }

    /// The user's name if `candidate` is a valid session cookie value.
    public func user(fromSession candidate: String) -> String? {
        let parts = candidate.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, Self.equal(String(parts[1]), signature(String(parts[0]))) else { return nil }
        var base64 = parts[0].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }
    }

    /// Whether `candidate` is the token, compared in constant time.
    public func accepts(token candidate: String) -> Bool { Self.equal(candidate, token) }

    private func signature(_ encodedName: String) -> String {
        HMACSHA256.hex(HMACSHA256.mac(key: Array(token.utf8), message: Array("engine-session-v1:\(encodedName)".utf8)))
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !y.isEmpty else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
