import ArgumentParser
import Engine

@main
struct EngineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "A deterministic metrics anomaly-detection engine, compatible with Anomstack's metric batches.",
        version: EngineVersion.current,
        subcommands: [
            ValidateCommand.self, PreviewCommand.self, RunCommand.self, ImportCommand.self, ServeCommand.self, ReplayCommand.self, ListCommand.self, ReindexCommand.self, MuteCommand.self, ScoreNABCommand.self,
            BacktestCommand.self, BenchCommand.self,
            KubernetesManifestsCommand.self, DagsterDefinitionsCommand.self,
        ]
    )
}
