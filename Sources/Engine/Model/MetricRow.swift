import Foundation

/// One row of the long-format metrics table; unique on (timestamp, batch, name, type).
public struct MetricRow: Sendable, Hashable, Codable {
    public var timestamp: Date
    public var batch: String
    public var name: String
    public var type: MetricType
    public var value: Double
    /// Free-form JSON text; nil when the row carries none.
    public var metadata: String?

    public init(timestamp: Date, batch: String, name: String, type: MetricType, value: Double, metadata: String? = nil) {
        self.timestamp = timestamp
        self.batch = batch
        self.name = name
        self.type = type
        self.value = value
        self.metadata = metadata
    }

    /// The identity the store keeps unique.
    public var key: MetricKey { MetricKey(timestamp: timestamp, batch: batch, name: name, type: type) }
}

/// The unique key of a metrics row.
public struct MetricKey: Sendable, Hashable {
    public var timestamp: Date
    public var batch: String
    public var name: String
    public var type: MetricType

    public init(timestamp: Date, batch: String, name: String, type: MetricType) {
        self.timestamp = timestamp
        self.batch = batch
        self.name = name
        self.type = type
    }
}
