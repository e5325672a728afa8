import Engine
import Foundation
import Synchronization

/// Keeps every delivery it is asked to send, in order, for tests and replay; can be told to fail.
public final class RecordingChannel: NotificationChannel {
    private struct State {
        var delivered: [Delivery] = []
        var failures: [DeliveryFailure] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Makes the next sends fail with these failures, in order.
    public func failNext(_ failures: DeliveryFailure...) {
        state.withLock { $0.failures += failures }
    }

    public func send(_ delivery: Delivery) async throws {
        try state.withLock { state in
            if !state.failures.isEmpty { throw state.failures.removeFirst() }
            state.delivered.append(delivery)
        }
    }

    public var delivered: [Delivery] { state.withLock { $0.delivered } }

    /// One recording channel for every method the engine knows, sharing this recorder.
    public var everyMethod: NotificationChannels {
        NotificationChannels(Dictionary(uniqueKeysWithValues: NotificationChannels.knownMethods.map { ($0, self as any NotificationChannel) }))
    }
}

/// Keeps the charts the plot job writes, by `<batch>/<file>`.
public final class RecordingPlotSink: PlotSink {
    private let items = Mutex<[String: Data]>([:])

    public init() {}

    public func write(batch: String, file: String, data: Data) throws {
        items.withLock { $0["\(batch)/\(file)"] = data }
    }

    public var files: [String: Data] { items.withLock { $0 } }
}

/// Records HTTP requests and answers each with a fixed response.
public final class RecordingHTTPTransport: HTTPTransport {
    private let items = Mutex<[HTTPRequest]>([])
    private let response: HTTPResponse

    public init(response: HTTPResponse = HTTPResponse(status: 200)) {
        self.response = response
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        items.withLock { $0.append(request) }
        return response
    }

    public var requests: [HTTPRequest] { items.withLock { $0 } }
}
