/// Everything the engine keeps: metrics and job runs, the delivery log, mutes and run-time
/// overrides, run leases and the cursors of history imports. The embedded SQLite database and
/// PostgreSQL both are one.
public typealias EngineStore = MetricStores & DeliveryStore & MuteStore & OverrideStore & LeaseStore & ImportLog
