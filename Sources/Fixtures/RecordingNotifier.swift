import Engine
import Foundation

/// Keeps every notification it is asked to deliver, in order, for tests and replay outputs.
public final class RecordingNotifier: Notifier, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [AlertNotification] = []

    public init() {}

    public func deliver(_ notification: AlertNotification) async throws {
        lock.withLock { items.append(notification) }
    }

    public var delivered: [AlertNotification] { lock.withLock { items } }
}

/// Records HTTP requests and answers each with a fixed response.
public final class RecordingHTTPTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [HTTPRequest] = []
    private let response: HTTPResponse

    public init(response: HTTPResponse = HTTPResponse(status: 200)) {
        self.response = response
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock { items.append(request) }
        return response
    }

    public var requests: [HTTPRequest] { lock.withLock { items } }
}
