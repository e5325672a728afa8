import Hummingbird
import Logging
import NIOCore

/// The request context of the engine's routes: Hummingbird's core context, the body size limit
/// from the settings, and who made the request once the token check has passed.
public struct EngineRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the authorization middleware: "token" for a bearer token, "session" for the cookie.
    public var principal: String?

    /// The largest request body accepted; larger ones are answered 413.
    public static let maxBodyBytes = 64 * 1024

    public init(source: Source) {
        coreContext = .init(source: source)
        principal = nil
    }

    public var maxUploadSize: Int { Self.maxBodyBytes }
}
