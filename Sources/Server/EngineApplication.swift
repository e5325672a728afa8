import Engine
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `engine serve` put together: the dashboard and API (a Hummingbird application), the
/// scheduler, the config watcher and the delivery retries, run as one `ServiceGroup` that stops
/// gracefully on SIGTERM or SIGINT.
public struct EngineApplication: Sendable {
    public let engine: ServedEngine
    public let settings: ServeSettings
    public let metricsDirectory: String
    public let retries: DeliveryRetryLoop

    public init(engine: ServedEngine, settings: ServeSettings, metricsDirectory: String, retries: DeliveryRetryLoop) {
        self.engine = engine
        self.settings = settings
        self.metricsDirectory = metricsDirectory
        self.retries = retries
    }

    /// Every route of the server, behind request metrics, error presentation and authorization.
    public func router() -> Router<EngineRequestContext> {
        let router = Router(context: EngineRequestContext.self)
        let token = AccessToken(settings.apiToken)
        let sessions = SessionRegistry()
        let engine = self.engine
        let now: @Sendable () -> Date = { engine.now }
        router.middlewares.add(SecurityHeadersMiddleware())
        router.middlewares.add(RequestMetricsMiddleware(metrics: engine.metrics))
        router.middlewares.add(ErrorPresenter())
        router.middlewares.add(AuthorizationMiddleware(token: token, sessions: sessions, protectReads: settings.protectReads, now: now))
        router.middlewares.add(ResponseCacheMiddleware(cache: RenderedResponseCache(), engine: engine))
        router.middlewares.add(ResponseEncodingMiddleware())
        router.middlewares.add(PageAdmission(gate: AdmissionGate.forThisMachine()))
        OperationsController(engine: engine).register(on: router)
        StaticController().register(on: router)
        LoginController(token: token, sessions: sessions, throttle: LoginThrottle(), now: now).register(on: router)
        HomeController(engine: engine, metricsDirectory: metricsDirectory).register(on: router)
        BatchController(engine: engine, pageSize: settings.pageSize).register(on: router)
        AnomaliesController(engine: engine, pageSize: settings.pageSize * 4).register(on: router)
        AlertController(engine: engine).register(on: router)
        SettingsController(engine: engine).register(on: router)
        RunsController(engine: engine).register(on: router)
        BatchesAPI(engine: engine).register(on: router)
        AlertsAPI(engine: engine).register(on: router)
        SettingsAPI(engine: engine).register(on: router)
        RunsAPI(engine: engine).register(on: router)
        MaintenanceAPI(engine: engine).register(on: router)
        return router
    }

    /// The HTTP application alone; `onListening` gets the bound port (useful with port 0).
    public func application(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            responder: HeadAsGetResponder(wrapped: router().buildResponder()),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "anomaly-engine"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: engine.logger)
    }

    /// Runs everything until SIGTERM/SIGINT (or the task is cancelled). Running jobs get
    /// `shutdownGrace` to finish before they are cancelled.
    public func run(shutdownGrace: Duration = .seconds(60), onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var services: [any Service] = [
            ConfigWatcherService(watcher: engine.watcher),
            DeliveryRetryService(loop: retries),
            application(onListening: onListening),
        ]
        if settings.schedules {
            services.insert(SchedulerService(scheduler: engine.scheduler, metrics: engine.metrics, logger: engine.logger), at: 0)
        }
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: engine.logger)
        configuration.maximumGracefulShutdownDuration = shutdownGrace
        try await ServiceGroup(configuration: configuration).run()
    }
}
