import Foundation

/// The conditions of a job-run query (batch, job, status, each optional) as the SQL stores
/// write them: a `WHERE` clause with one placeholder per condition, and its values in order.
struct JobRunConditions {
    let columns: [String]
    let values: [String]

    init(batch: String?, job: JobKind?, status: JobStatus?) {
        var columns: [String] = []
        var values: [String] = []
        if let batch {
            columns.append("batch")
            values.append(batch)
        }
        if let job {
            columns.append("job")
            values.append(job.rawValue)
        }
        if let status {
            columns.append("status")
            values.append(status.rawValue)
        }
        self.columns = columns
        self.values = values
    }

    /// `" WHERE batch = ? AND …"`, or nothing without conditions; `placeholder(i)` writes the
    /// i-th (from 1) value's placeholder.
    func clause(placeholder: (Int) -> String) -> String {
        guard !columns.isEmpty else { return "" }
        let terms: [String] = columns.enumerated().map { index, column in "\(column) = \(placeholder(index + 1))" }
        return " WHERE " + terms.joined(separator: " AND ")
    }
}
