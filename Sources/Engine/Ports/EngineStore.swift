/// Everything the engine keeps: metrics and job runs, the delivery log, mutes and run-time
/// overrides. The embedded SQLite database and PostgreSQL both are one.
public typealias EngineStore = MetricStores & DeliveryStore & MuteStore & OverrideStore
