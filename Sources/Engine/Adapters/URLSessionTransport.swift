import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The HTTP transport over URLSession (libcurl on Linux). `timeout` bounds the whole exchange,
/// not only the wait between bytes, so a receiver that trickles its answer cannot hold a job.
public struct URLSessionTransport: HTTPTransport {
    public let timeout: TimeInterval
    let session: URLSession

    public init(timeout: TimeInterval = 30) {
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        session = URLSession(configuration: configuration)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let (data, response) = try await session.data(for: urlRequest)
        guard let http = response as? HTTPURLResponse else { return HTTPResponse(status: 0, body: data) }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            headers[String(describing: key).lowercased()] = String(describing: value)
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }
}
