import Hummingbird

/// A request the engine cannot serve, with the status it maps to and a message for the user.
/// As an `HTTPResponseError` it answers by itself anywhere; `ErrorPresenter` gives it the JSON or
/// HTML body the path calls for.
public enum RequestError: Error, Sendable, CustomStringConvertible, HTTPResponseError {
    case notFound(String)
    case invalid(String)
    case conflict(String)
    case unauthorized(String)

    public var description: String {
        switch self {
        case .notFound(let m), .invalid(let m), .conflict(let m), .unauthorized(let m): return m
        }
    }

    public var status: HTTPResponse.Status {
        switch self {
        case .notFound: return .notFound
        case .invalid: return .badRequest
        case .conflict: return .conflict
        case .unauthorized: return .unauthorized
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        ErrorPresenter.json(status, message: description)
    }
}
