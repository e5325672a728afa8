import ArgumentParser
import Engine
import Foundation

struct MuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mute",
        abstract: "Mute a batch's or a metric's notifications until a time, lift a mute, or list them.",
        discussion: """
            While muted, alerts, changes and threshold alerts are still detected and recorded (and shown \
            with status `muted` in the delivery log); nothing is sent. Mutes are kept in the database, \
            beside those a batch sets with alert_mute_until / alert_mute_metrics.
              engine mute --batch shop --metric checkout_errors --for 2h --reason "deploy"
              engine mute --batch shop --until 2026-12-01T09:00:00Z
              engine mute --batch shop --metric checkout_errors --clear
              engine mute --list
            """
    )

    @Option(name: .long, help: "The batch.")
    var batch: String?

    @Option(name: .long, help: "One metric of the batch (default: the whole batch).")
    var metric: String?

    @Option(name: .long, help: "Mute until this time (ISO 8601, UTC).")
    var until: String?

    @Option(name: .long, help: "Mute for this long from now: 30m, 2h, 1d.")
    var `for`: String?

    @Option(name: .long, help: "Why, for the list.")
    var reason: String?

    @Flag(name: .long, help: "Lift the mute instead.")
    var clear = false

    @Flag(name: .long, help: "List the mutes in the database.")
    var list = false

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let installation = FolderOptions().installation(database: database.db)
        let db = try installation.openDatabase()
        let now = SystemClock().now
        if list {
            let mutes = try db.mutes(batch: batch)
            if mutes.isEmpty { print("no mutes") }
            for mute in mutes {
                let state = mute.until > now ? "until" : "expired"
                print(
                    "\(mute.batch) \(mute.metric ?? "(whole batch)"): \(state) \(MetricTimestamp.format(mute.until)) UTC"
                        + (mute.reason.map { " — \($0)" } ?? ""))
            }
            return
        }
        guard let batch else { throw ValidationError("give --batch (or --list)") }
        if clear {
            let removed = try db.clearMute(batch: batch, metric: metric)
            print(removed ? "unmuted \(batch) \(metric ?? "(whole batch)")" : "\(batch) \(metric ?? "(whole batch)") was not muted")
            return
        }
        let end: Date
        if let until {
            end = try parseTime(until)!
        } else if let span = `for` {
            guard let seconds = ResampleFrequency(span)?.seconds else {
                throw ValidationError("--for: expected a duration such as 30m, 2h or 1d, got '\(span)'")
            }
            end = now.addingTimeInterval(TimeInterval(seconds))
        } else {
            throw ValidationError("give --until or --for (or --clear)")
        }
        try db.setMute(Mute(batch: batch, metric: metric, until: end, reason: reason))
        print("muted \(batch) \(metric ?? "(whole batch)") until \(MetricTimestamp.format(end)) UTC")
    }
}
