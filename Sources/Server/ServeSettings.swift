import Foundation

/// How `engine serve` listens and guards its writes.
public struct ServeSettings: Sendable {
    public var host: String
    /// 0 lets the system pick a free port (tests); the chosen one is reported once listening.
    public var port: Int
    /// The token every write needs (bearer header or the session cookie the login form sets).
    public var apiToken: String
    /// When true, pages and read-only API calls need the token too.
    public var protectReads: Bool
    /// Alerts and charts per page.
    public var pageSize: Int
    /// Whether this process runs the schedules; false when an orchestrator (Kubernetes CronJobs,
    /// Dagster) runs the jobs and this process only serves the dashboard and API.
    public var schedules: Bool

    public init(
        host: String = "127.0.0.1", port: Int = 8080, apiToken: String, protectReads: Bool = false,
        pageSize: Int = 12, schedules: Bool = true
    ) {
        self.host = host
        self.port = port
        self.apiToken = apiToken
        self.protectReads = protectReads
        self.pageSize = pageSize
        self.schedules = schedules
    }
}
