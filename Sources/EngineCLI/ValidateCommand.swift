import ArgumentParser
import Engine
import Foundation

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check every metric batch: keys, types, cron strings, ingest templates, duplicate names.",
        discussion: "Lists every problem (file, line, key and the nearest valid key) and exits 1 if there is any."
    )

    @OptionGroup var folder: FolderOptions

    @Option(name: .long, help: "Render templates as of this time (ISO 8601; default: now).")
    var asOf: String?

    func run() throws {
        let installation = folder.installation()
        let now = try parseTime(asOf) ?? SystemClock().now
        let report = BatchValidation(
            folder: installation.folder, environment: installation.environment,
            overrides: folder.set
        ).validate(now: now)
        for error in report.errors { printError("error: \(error)") }
        for warning in report.warnings { printError("warning: \(warning)") }
        for note in report.notes { printError("note: \(note)") }
        for note in AnomstackEnvironment.notes(installation.environment) { printError("note: \(note)") }
        print("\(report.batches.count) batches valid, \(report.errors.count) errors")
        if !report.errors.isEmpty { throw ExitCode(1) }
    }
}

/// Parses `--as-of`.
func parseTime(_ text: String?) throws -> Date? {
    guard let text else { return nil }
    guard let date = MetricTimestamp.parse(text) else {
        throw ValidationError("'\(text)' is not an ISO 8601 time (e.g. 2026-01-15T12:00:00Z)")
    }
    return date
}
