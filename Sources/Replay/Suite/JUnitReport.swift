import Foundation

/// A JUnit XML report of a replay run, for CI systems that display test results.
public enum JUnitReport {
    public static func xml(_ reports: [ScenarioReport]) -> String {
        let failures = reports.filter { $0.status == .fail }.count
        let errors = reports.filter { $0.status == .broken }.count
        let total = reports.reduce(0) { $0 + $1.seconds }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuite name=\"replay\" tests=\"\(reports.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(String(format: "%.3f", total))\">\n"
        for report in reports {
            xml += "  <testcase classname=\"replay\" name=\"\(escape(report.name))\" time=\"\(String(format: "%.3f", report.seconds))\""
            switch report.status {
            case .pass:
                xml += "/>\n"
            case .fail, .broken:
                let tag = report.status == .fail ? "failure" : "error"
                let body = (report.messages + ["reproduce: \(report.reproduce)"]).joined(separator: "\n")
                xml += ">\n    <\(tag) message=\"\(escape(report.messages.first ?? ""))\">\(escape(body))</\(tag)>\n  </testcase>\n"
            }
        }
        return xml + "</testsuite>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
