import Foundation

/// What the engine can hold and compute with, so that data outside it is refused where it enters
/// (ingest, scenario series) with a reason, rather than trapping deep inside a job.
public enum RepresentableValues {
    /// The largest magnitude of a metric value. Detectors square and sum values (variances,
    /// distances, covariances over thousands of rows) and charts take differences of them; past
    /// 1e100 those overflow a double to infinity and then to NaN. Real metrics, bytes of an
    /// exabyte (1e18) included, stay far below it.
    public static let valueLimit = 1e100

    /// Whether a value is finite and within `valueLimit`.
    public static func isValue(_ value: Double) -> Bool {
        value.isFinite && abs(value) <= valueLimit
    }

    /// The span of times the store's text form (`YYYY-MM-DD HH:MM:SS`, four-digit years) can
    /// write: 0001-01-01 00:00:00 to 9999-12-31 23:59:59 UTC.
    public static let times: ClosedRange<TimeInterval> = -62_135_596_800...253_402_300_799

    /// Whether a time lies within `times`.
    public static func isTime(_ date: Date) -> Bool {
        times.contains(date.timeIntervalSince1970)
    }

    /// The longest metric name, in UTF-8 bytes. A name becomes part of file names (models, charts)
    /// and of URLs; 255 bytes is what every file system here allows for one path component.
    public static let nameLimit = 200

    /// Why a metric name cannot be stored, or nil when it can: empty, too long, or holding a
    /// control character (a NUL would cut the name short in C APIs and make two metrics one).
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > nameLimit { return "is \(name.utf8.count) bytes long; at most \(nameLimit) are allowed" }
        if let scalar = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            return "holds the control character U+\(String(format: "%04X", scalar.value))"
        }
        return nil
    }
}
