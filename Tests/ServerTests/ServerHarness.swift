import Engine
import Fixtures
import Foundation
import Hummingbird
import Logging
import Server

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// 2026-01-15 12:00:00 UTC.

/// A real `engine serve` HTTP server on 127.0.0.1 (a free port), over a temporary metrics folder
/// and SQLite file, on a test clock; and a client for it that does not follow redirects.
final class ServerHarness: @unchecked Sendable {
    static let token = "test-token-123"
    let directory: URL
    let clock: TestClock
    let application: EngineApplication
    let database: SQLiteDatabase
    private var task: Task<Void, any Error>?
    private(set) var port = 0

    /// A batch `shop` (metrics `orders` and `visits`, an alert and a threshold alert on `orders`)
    /// and an empty batch `empty`.
    static let shopYAML = """
        metric_batch: shop
        ingest_sql: select 1
        alert_methods: email
        ingest_default_schedule_status: RUNNING
        """

    init(
        files: [String: String] = [
            "shop/shop.yaml": ServerHarness.shopYAML,
            "empty/empty.yaml": "metric_batch: empty\ningest_sql: select 1\n",
        ],
        protectReads: Bool = false
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("engine-server-\(UUID().uuidString)")
        for (path, text) in files {
            let url = directory.appendingPathComponent("metrics/\(path)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        var logger = Logger(label: "server-test")
        logger.logLevel = .critical
        let installation = LocalInstallation(
            metricsDirectory: directory.appendingPathComponent("metrics"),
            databasePath: directory.appendingPathComponent("engine.db").path,
            environment: ["ENGINE_PLOTS": directory.appendingPathComponent("plots").path],
            overrides: [], logger: logger)
        database = try SQLiteDatabase(path: installation.databasePath)
        clock = TestClock(referenceTime)
        let deployment = LocalDeployment(
            installation: installation, database: database, clock: clock,
            limits: .init(maxConcurrentRuns: 2, runTimeout: nil, reloadInterval: 3600))
        application = try await deployment.application(
            settings: ServeSettings(
                host: "127.0.0.1", port: 0, apiToken: Self.token,
                protectReads: protectReads, pageSize: 1))
        try seed()
        let ready = AsyncStream<Int>.makeStream()
        let app = application.application { port in ready.continuation.yield(port) }
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        for await port in ready.stream {
            self.port = port
            break
        }
    }

    private func seed() throws {
        let store = try database.store(table: "metrics")
        var rows: [MetricRow] = []
        for i in 0..<48 {
            let t = referenceTime.addingTimeInterval(Double(i - 47) * 1800)
            rows.append(MetricRow(timestamp: t, batch: "shop", name: "orders", type: .metric, value: i == 46 ? 90 : 10 + Double(i % 3)))
            rows.append(MetricRow(timestamp: t, batch: "shop", name: "visits", type: .metric, value: 100 + Double(i % 5)))
            rows.append(MetricRow(timestamp: t, batch: "shop", name: "orders", type: .score, value: i == 46 ? 0.97 : 0.2))
            rows.append(MetricRow(timestamp: t, batch: "shop", name: "visits", type: .score, value: 0.1))
        }
        let alertTime = referenceTime.addingTimeInterval(-1800)
        rows.append(
            MetricRow(
                timestamp: alertTime, batch: "shop", name: "orders", type: .alert, value: 1,
                metadata: "{\"severity\":\"critical\",\"smoothed_score\":0.9700}"))
        rows.append(
            MetricRow(
                timestamp: alertTime, batch: "shop", name: "orders", type: .tholdalert, value: 1,
                metadata: "{\"bound\":\"upper\",\"limit\":50.0000,\"value\":90.0000}"))
        try store.insert(rows)
    }

    func stop() async {
        task?.cancel()
        _ = try? await task?.value
        try? FileManager.default.removeItem(at: directory)
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    private final class NoRedirects: NSObject, URLSessionTaskDelegate {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    /// Cookies are sent only when a test says so: no cookie jar.
    private let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }()

    /// Sends a request; `auth` adds the bearer token, `cookie` a Cookie header.
    func request(
        _ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
        auth: Bool = false, cookie: String? = nil, headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 20)
        request.httpMethod = method
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if auth { request.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization") }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var replyHeaders: [String: String] = [:]
        for (key, value) in http.allHeaderFields { replyHeaders[String(describing: key).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, headers: replyHeaders, body: String(decoding: data, as: UTF8.self))
    }

    func get(_ path: String, auth: Bool = false) async throws -> Reply { try await request("GET", path, auth: auth) }
}

/// Runs `body` against a fresh server and stops it afterwards, whatever happens.
func withServer(protectReads: Bool = false, _ body: (ServerHarness) async throws -> Void) async throws {
    let server = try await ServerHarness(protectReads: protectReads)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}
