import ArgumentParser
import Engine
import Foundation
import Replay

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark: train the default detectors on synthetic metrics and score the last 25 points of each, in memory.",
        discussion: """
            A benchmark, not a test: build with -c release for meaningful figures. --metrics-config and --set \
            benchmark other settings, for example metrics/profiles/anomstack.yaml or another detector.
            """
    )

    @Option(name: .long, help: "Number of synthetic metrics.")
    var metrics: Int = 100

    @Option(name: .long, help: "Points per metric.")
    var points: Int = 2500

    @Option(name: .long, help: "Seed of the synthetic series.")
    var seed: UInt64 = 1

    @Option(
        name: .long,
        help: ArgumentHelp("A batch settings file laid over the defaults (a profile such as metrics/profiles/anomstack.yaml).", valueName: "file"))
    var metricsConfig: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a setting (repeatable), as in engine backtest.", valueName: "key=value"))
    var set: [String] = []

    @Flag(name: .long, help: "Print the figures as one JSON object.")
    var json = false

    @Flag(name: .long, help: "Keep the store in a SQLite file in a temporary folder, as engine serve does, instead of in memory.")
    var onDisk = false

    @Option(name: .long, help: "Instead: replay every NAB file under this folder (<category>/<file>.csv) on the default cron cadence and time it.")
    var nab: String?

    func validate() throws {
        guard metrics > 0 else { throw ValidationError("--metrics must be positive") }
        guard points > 40 else { throw ValidationError("--points must be more than 40") }
        // The NAB replay runs the built-in defaults; a setting it did not apply must not look measured.
        if nab != nil, !set.isEmpty || metricsConfig != nil {
            throw ValidationError("--nab replays with the built-in defaults: --set and --metrics-config do not apply to it")
        }
    }

    func run() async throws {
        if let nab {
            let benchmark = NABReplayBenchmark(dataDirectory: URL(fileURLWithPath: nab))
            let all = try await benchmark.run { file in
                printLine("\(file.file): \(file.points) points, \(file.jobRuns) job runs, \(file.alerts) alerts, \(Fixed.format(file.seconds, 2)) s")
            }
            let points = all.reduce(0) { $0 + $1.points }
            let seconds = all.reduce(0) { $0 + $1.seconds }
            printLine(
                "total: \(all.count) files, \(points) points, \(Fixed.format(seconds, 2)) s, \(Fixed.format(Double(points) / max(seconds, 1e-9), 0)) points/s"
            )
            return
        }
        let settings = try metricsConfig.map { try String(contentsOf: URL(fileURLWithPath: $0), encoding: .utf8) } ?? ""
        let figures = try await EngineBenchmark(
            metrics: metrics, points: points, seed: seed, settings: settings,
            settingsName: metricsConfig.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "bench.yaml",
            overrides: set, onDisk: onDisk
        ).run()
        if json {
            print(figures.json)
        } else {
            print("metrics \(figures.metrics), points \(figures.points)")
            print(
                "train: \(Fixed.format(figures.trainSeconds, 3)) s, \(figures.modelsTrained) models, \(Fixed.format(figures.trainPointsPerSecond, 0)) points/s"
            )
            print(
                "score: \(Fixed.format(figures.scoreSeconds, 3)) s, \(figures.scoresWritten) scores, \(Fixed.format(figures.scorePointsPerSecond, 0)) points/s"
            )
            let perChart = figures.chartsDrawn > 0 ? figures.plotSeconds / Double(figures.chartsDrawn) * 1000 : 0
            print(
                "plot: \(Fixed.format(figures.plotSeconds, 3)) s, \(figures.chartsDrawn) charts (SVG + PNG), \(Fixed.format(perChart, 1)) ms per chart, \(figures.chartsDrawn > 0 ? figures.pngBytes / figures.chartsDrawn : 0) PNG bytes per chart"
            )
            print("peak memory: \(Fixed.format(figures.peakResidentMegabytes, 1)) MB")
        }
    }
}
