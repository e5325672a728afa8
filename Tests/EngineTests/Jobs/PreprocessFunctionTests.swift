import Engine
import Fixtures
import Foundation
import Testing

/// A batch's own `preprocess_fn` (Anomstack's contract, with real python3 and pandas from the test
/// services' virtualenv) shapes what train and score see; one inherited from the folder's
/// defaults is Anomstack's stock function, which the built-in preprocessing reproduces.
@Suite struct PreprocessFunctionTests {
    static let function = """
        preprocess_fn: |
          import pandas as pd
          def preprocess(df, diff_n=0, smooth_n=0, lags_n=0, shuffle=False, dropna=True, freq=None, freq_agg="mean"):
              X = df.sort_values("metric_timestamp").set_index("metric_timestamp")[["metric_value"]]
              X["metric_value"] = X["metric_value"].diff()
              for lag in range(1, lags_n + 1):
                  X[f"lag_{lag}"] = X["metric_value"].shift(lag)
              return X.dropna()

        """

    func harness() throws -> (Harness, JobContext) {
        let h = try Harness()
        var context = h.context
        context.preprocessRunner = PythonIngestRunner(
            python: try testService("ENGINE_TEST_PYTHON", "pandas"), workingDirectory: FileManager.default.temporaryDirectory)
        try h.store().insert(SyntheticSeries(start: referenceTime.addingTimeInterval(-199 * 3600)).rows(batch: "test", name: "m", count: 200, seed: 3))
        return (h, context)
    }

    @Test func aBatchsOwnFunctionShapesTrainingAndScoring() async throws {
        let (h, context) = try harness()
        let b = try batch("metric_batch: test\ningest_sql: select 1\n" + anomstackProfile + Self.function)
        #expect(b.preprocessFunction != nil)
        let trained = await JobRunner(context: context).run(.train, batch: b)
        #expect(trained.status == .success && trained.rowsWritten == 2, "\(trained) \(trained.error ?? "")")
        let model = try TrainedModel.decode(try #require(try await h.models.load(key: "test/m_pca_default.json")), key: "")
        #expect(model.trainingRows == 200 - 1 - 5, "the function's diff and the profile's five lags drop six rows")
        let scored = await JobRunner(context: context).run(.score, batch: b)
        #expect(scored.status == .success && scored.rowsWritten == 25, "\(scored)")
    }

    @Test func aFunctionThatLeavesGapsIsNamed() async throws {
        let (_, context) = try harness()
        let leaky = Self.function.replacingOccurrences(of: "return X.dropna()", with: "return X")
        let b = try batch("metric_batch: test\ningest_sql: select 1\n" + anomstackProfile + leaky)
        let run = await JobRunner(context: context).run(.train, batch: b)
        #expect(run.error?.contains("row 1 of 'm' (") == true && run.error?.contains("missing or non-numeric feature") == true, "\(run)")
    }

    /// Anomstack's defaults set preprocess_fn for every batch; the folder's one is not run.
    @Test func theFoldersFunctionIsNotRun() throws {
        let folder = InMemoryMetricsFolder([
            "defaults/defaults.yaml": Self.function,
            "b/b.yaml": "metric_batch: b\ningest_sql: select 1\n",
        ])
        let result = BatchLoader(folder: folder).load()
        #expect(result.batches.first?.preprocessFunction == nil)
        #expect(result.notes.contains { $0.description.hasPrefix("defaults/defaults.yaml:1: key 'preprocess_fn': accepted, not acted on") })
    }
}
