import Engine
import Foundation

/// Keeps every delivery it is asked to send, in order, for tests and replay; can be told to fail.
public final class RecordingChannel: NotificationChannel, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Delivery] = []
    private var failures: [DeliveryFailure] = []

    public init() {}

    /// Makes the next sends fail with these failures, in order.
    public func failNext(_ failures: DeliveryFailure...) {
        lock.withLock { self.failures += failures }
    }

    public func send(_ delivery: Delivery) async throws {
        try lock.withLock {
            if !failures.isEmpty { throw failures.removeFirst() }
            items.append(delivery)
        }
    }

    public var delivered: [Delivery] { lock.withLock { items } }

    /// One recording channel for every method the engine knows, sharing this recorder.
    public var everyMethod: NotificationChannels {
        NotificationChannels(Dictionary(uniqueKeysWithValues: NotificationChannels.knownMethods.map { ($0, self as any NotificationChannel) }))
    }
}

/// Keeps the charts the plot job writes, by `<batch>/<file>`.
public final class RecordingPlotSink: PlotSink, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String: Data] = [:]

    public init() {}

    public func write(batch: String, file: String, data: Data) throws {
        lock.withLock { items["\(batch)/\(file)"] = data }
    }

    public var files: [String: Data] { lock.withLock { items } }
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
