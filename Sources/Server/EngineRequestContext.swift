import Foundation
import Hummingbird
import Logging
import NIOCore

/// The request context of the engine's routes: Hummingbird's core context, the body size limit
/// from the settings, and who made the request once the token check has passed.
public struct EngineRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authorization middleware: "token" for a bearer token, "session" for the cookie.
    public var principal: String?

    /// The largest request body accepted; larger ones are answered 413.
    public static let maxBodyBytes = 64 * 1024

    /// The peer's address, for the login throttle.
    public var remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text ("unknown" when the transport gives none).
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    public var maxUploadSize: Int { Self.maxBodyBytes }
}

extension EngineRequestContext {
    /// A path parameter as the name it stands for: Hummingbird hands over the raw path segment, so
    /// a batch or metric named with spaces, quotes or non-ASCII letters (which the dashboard's
    /// links percent-encode) is decoded here, once, for every route.
    func pathValue(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else {
            throw RequestError.invalid("the \(name) in the path is not valid percent-encoding")
        }
        return decoded
    }
}
