import Engine
import Foundation

/// The dashboard's open sessions, by a random id that the session cookie carries. A cookie is
/// valid only while its id is open here, so `/logout` ends the session for good (a copied cookie
/// stops working too), and a restart ends every session. Sessions live in this process: a second
/// dashboard replica behind a load balancer needs sticky sessions.
actor SessionRegistry {
    struct Session: Sendable {
        var user: String
        var expires: Date
    }

    /// How long a session lasts after login.
    static let lifetime: TimeInterval = 7 * 86_400
    /// The most sessions kept; the oldest are closed first beyond it, so logins cannot grow memory without bound.
    static let capacity = 10_000

    private var sessions: [String: Session] = [:]

    /// Opens a session for `user` and returns its id: 128 bits from the operating system's
    /// cryptographic generator (a session id must not be guessable, so not the engine's seeded one).
    func open(user: String, now: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
        sessions = sessions.filter { $0.value.expires > now }
        if sessions.count >= Self.capacity,
            let oldest = sessions.min(by: { ($0.value.expires, $0.key) < ($1.value.expires, $1.key) })?.key
        {
            sessions[oldest] = nil
        }
        sessions[id] = Session(user: user, expires: now.addingTimeInterval(Self.lifetime))
        return id
    }

    /// The user of an open, unexpired session.
    func user(of id: String, now: Date) -> String? {
        guard let session = sessions[id], session.expires > now else { return nil }
        return session.user
    }

    func close(_ id: String) {
        sessions[id] = nil
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
