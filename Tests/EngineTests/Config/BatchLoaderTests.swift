import Fixtures
import Foundation
import Testing

@testable import Engine

@Suite struct BatchLoaderTests {
    let minimal = "metric_batch: b\ningest_sql: select 1\n"

    @Test func defaultsApplyAndNestedMapsMergeKeyByKey() throws {
        let config = try batch(
            """
            metric_batch: b
            ingest_sql: select 1
            preprocess_params:
              lags_n: 2
            """)
        #expect(config.preprocess.lagsN == 2)
        #expect(config.preprocess.diffN == 0)
        #expect(config.preprocess.smoothN == 0)
        #expect(config.alertThreshold == 0.8)
        #expect(config.trainMaxN == 2500)
        #expect(config.models.map(\.tag) == ["novelty"])
        #expect(config.models[0].params["quiet_n"]?.intValue == 75)
        #expect(config.models[0].params["resolution"]?.doubleValue == 0.01)
    }

    @Test func folderDefaultsOverrideBuiltinsAndBatchOverridesBoth() throws {
        let folder = InMemoryMetricsFolder([
            "defaults/defaults.yaml": "alert_threshold: 0.7\nscore_max_n: 10\n",
            "a/a.yaml": minimal + "score_max_n: 5\n",
        ])
        let config = try BatchLoader(folder: folder).loadValid()[0]
        #expect(config.alertThreshold == 0.7)
        #expect(config.scoreMaxN == 5)
    }

    @Test func environmentThenSetOverridesApplyInOrder() throws {
        let folder = InMemoryMetricsFolder(["a/a.yaml": "metric_batch: my-batch\ningest_sql: select 1\nalert_always: true\n"])
        let env = [
            "ANOMSTACK__MY_BATCH__ALERT_ALWAYS": "false", "ANOMSTACK__MY_BATCH__ALERT_THRESHOLD": "0.6",
            "ANOMSTACK__OTHER__ALERT_THRESHOLD": "0.1",
        ]
        let loaded = try BatchLoader(folder: folder, environment: env, overrides: ["alert_threshold=0.65", "preprocess_params.diff_n=0"]).loadValid()[
            0]
        #expect(loaded.alertAlways == false)
        #expect(loaded.alertThreshold == 0.65)
        #expect(loaded.preprocess.diffN == 0)
        #expect(loaded.preprocess.lagsN == 0)
    }

    @Test func setReachesOneDetectorByPosition() throws {
        let twoDetectors =
            minimal + """
                model_configs:
                  - {model_name: PCA, model_tag: pca, model_params: {contamination: 0.01}}
                  - {model_name: KNN, model_tag: knn, model_params: {contamination: 0.01}}

                """
        let folder = InMemoryMetricsFolder(["a/a.yaml": twoDetectors])
        let loaded = try BatchLoader(folder: folder, overrides: ["model_configs.1.model_params.n_neighbors=7"]).loadValid()[0]
        #expect(loaded.models.map(\.name) == ["PCA", "KNN"])
        #expect(loaded.models[1].params["n_neighbors"]?.intValue == 7)
        #expect(loaded.models[1].params["contamination"]?.doubleValue == 0.01, "the detector's other settings stay")
        #expect(loaded.models[0].params["n_neighbors"] == nil)

        let beyond = BatchLoader(folder: folder, overrides: ["model_configs.2.model_params.n_neighbors=7"]).load().errors
        #expect(!beyond.isEmpty && beyond.allSatisfy { $0.key == "model_configs" }, "\(beyond)")
    }

    @Test func unknownKeyNamesFileLineAndNearestKey() {
        let folder = InMemoryMetricsFolder(["x/x.yaml": minimal + "alert_treshold: 0.9\n"])
        let errors = BatchLoader(folder: folder).load().errors
        #expect(errors.count == 1)
        #expect(errors[0].file == "x/x.yaml")
        #expect(errors[0].key == "alert_treshold")
        #expect(errors[0].line == 3)
        #expect(errors[0].description.contains("did you mean 'alert_threshold'"))
    }

    @Test func everyErrorIsListedNotJustTheFirst() {
        let folder = InMemoryMetricsFolder([
            "a/a.yaml":
                "metric_batch: a\ningest_sql: select 1\ntrain_max_n: many\nscore_cron_schedule: \"*/4 * *\"\nmodel_combination_method: median\n",
            "b/b.yaml": "metric_batch: b\n",
            "c/c.yaml": "metric_batch: c\ningest_sql: select 1\npreprocess_params:\n  lag_n: 3\n",
        ])
        let result = BatchLoader(folder: folder).load()
        let text = result.errors.map(\.description).joined(separator: "\n")
        #expect(result.batches.isEmpty)
        #expect(text.contains("a/a.yaml:3: key 'train_max_n': expected an integer, got a string"))
        #expect(text.contains("key 'score_cron_schedule': invalid cron expression"))
        #expect(text.contains("key 'model_combination_method': expected mean, min or max"))
        #expect(text.contains("b/b.yaml") && text.contains("needs ingest_sql or ingest_fn"))
        #expect(text.contains("unknown key 'lag_n' (did you mean 'lags_n'?)"))
    }

    @Test func badNotificationSettingsAreNamed() {
        let folder = InMemoryMetricsFolder([
            "a/a.yaml": minimal + """
                alert_methods: email,slak
                alert_critical_threshold: 1.5
                alert_mute_until: tomorrow
                alert_mute_metrics: {cpu: soon}
                change_shift_threshold: 0
                alert_routes:
                  - match: {team: [a, b]}
                    methods: pager
                    channel: "#x"
                  - webhook_url: "not a url"
                """
        ])
        let text = BatchLoader(folder: folder).load().errors.map(\.description).joined(separator: "\n")
        #expect(text.contains("key 'alert_methods': unknown method 'slak' (did you mean 'slack'?)"))
        #expect(text.contains("key 'alert_critical_threshold': must be between 0 and 1, got 1.5"))
        #expect(text.contains("key 'alert_mute_until': expected a UTC time"))
        #expect(text.contains("key 'alert_mute_metrics': 'cpu': expected a UTC time"))
        #expect(text.contains("key 'change_shift_threshold': must be above 0"))
        #expect(text.contains("route 1: unknown key 'channel'"))
        #expect(text.contains("route 1: 'match' must be a map of tag to value"))
        #expect(text.contains("route 1: unknown method 'pager'; known: email, pagerduty"))
        #expect(text.contains("route 2: 'webhook_url' must be a URL"))
    }

    @Test func validateRendersTheAlertTemplates() {
        let folder = InMemoryMetricsFolder(["a/a.yaml": minimal + "alert_template_text: \"{% for x in %}\"\n"])
        let report = BatchValidation(folder: folder, environment: [:], overrides: []).validate(now: referenceTime)
        #expect(report.errors.map(\.key) == ["alert_template_text"])
        #expect(report.errors.first?.description.contains("a/a.yaml") == true)
    }

    @Test func duplicateBatchNamesAreAnError() {
        let folder = InMemoryMetricsFolder(["a/a.yaml": minimal, "b/b.yaml": minimal])
        let result = BatchLoader(folder: folder).load()
        #expect(result.batches.count == 1)
        #expect(result.errors.count == 1)
        #expect(result.errors[0].description.contains("already defined in a/a.yaml"))
    }

    @Test func badModelConfigsAreNamed() {
        let folder = InMemoryMetricsFolder([
            "a/a.yaml": minimal + """
                model_configs:
                  - model_name: PCAA
                  - model_name: KNN
                    model_params:
                      n_neighbours: 3
                """
        ])
        let text = BatchLoader(folder: folder).load().errors.map(\.description).joined(separator: "\n")
        #expect(text.contains("unsupported model_name 'PCAA' (did you mean 'PCA'?)"))
        #expect(text.contains("unknown parameter 'n_neighbours' (did you mean 'n_neighbors'?)"))
    }

    @Test func anAnomstackIsolationForestLoadsAndItsBadSizesAreNamed() {
        let good = InMemoryMetricsFolder([
            "a/a.yaml": minimal + """
                model_configs:
                  - model_name: IForest
                    model_tag: iforest
                    model_params:
                      contamination: 0.01
                      n_estimators: 50
                      max_samples: auto
                      max_features: 1.0
                      random_state: 42
                      n_jobs: -1
                """
        ])
        #expect(BatchLoader(folder: good).load().errors.isEmpty)
        let bad = InMemoryMetricsFolder([
            "a/a.yaml": minimal + """
                model_configs:
                  - model_name: IForest
                    model_params:
                      max_samples: 1.5
                      max_features: 0
                      n_estimators: 0
                """
        ])
        let text = BatchLoader(folder: bad).load().errors.map(\.description).joined(separator: "\n")
        #expect(text.contains("'max_samples' must be auto, a count of at least 1 or a fraction in (0, 1]"))
        #expect(text.contains("'max_features' must be a count of at least 1 or a fraction in (0, 1]"))
        #expect(text.contains("'n_estimators' must be at least 1"))
    }

    @Test func anomstacksEmpiricalAndHistogramDetectorsLoad() {
        let folder = InMemoryMetricsFolder([
            "a/a.yaml": minimal + """
                model_configs:
                  - model_name: ECOD
                    model_params: {contamination: 0.01, n_jobs: 1}
                  - model_name: COPOD
                  - model_name: HBOS
                    model_params: {n_bins: 20, alpha: 0.05, tol: 0.3}
                """
        ])
        #expect(BatchLoader(folder: folder).load().errors.isEmpty)
        let bad = InMemoryMetricsFolder([
            "a/a.yaml": minimal + """
                model_configs:
                  - model_name: HBOS
                    model_params: {n_bins: auto, alpha: 1.5}
                """
        ])
        let text = BatchLoader(folder: bad).load().errors.map(\.description).joined(separator: "\n")
        #expect(text.contains("'n_bins' must be a whole number of at least 2 (\"auto\" is not supported)"))
        #expect(text.contains("'alpha' must lie between 0 and 1"))
    }

    @Test func anAnomstackLocalOutlierFactorLoadsAndOtherDistancesAreNamed() {
        let good = InMemoryMetricsFolder([
            "a/a.yaml": minimal + """
                model_configs:
                  - model_name: LOF
                    model_params: {contamination: 0.01, n_neighbors: 10, metric: minkowski, p: 2, algorithm: auto, leaf_size: 30}
                """
        ])
        #expect(BatchLoader(folder: good).load().errors.isEmpty)
        let bad = InMemoryMetricsFolder([
            "a/a.yaml": minimal + """
                model_configs:
                  - model_name: LOF
                    model_params: {metric: cosine, p: 1}
                """
        ])
        let text = BatchLoader(folder: bad).load().errors.map(\.description).joined(separator: "\n")
        #expect(text.contains("'metric' must be euclidean (or minkowski with p 2)") && text.contains("only 'p: 2'"))
    }

    @Test func repositoryDefaultsFileMatchesTheBuiltInCopy() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("metrics/defaults/defaults.yaml"), encoding: .utf8)
        #expect(
            text + "\n" == BuiltinDefaults.yaml + "\n" || text == BuiltinDefaults.yaml + "\n",
            "run scripts/embed-defaults.sh after editing metrics/defaults/defaults.yaml")
    }

    @Test func repositoryExamplesAreValid() throws {
        let report = BatchValidation(
            folder: LocalMetricsFolder(root: repositoryRoot.appendingPathComponent("metrics")),
            environment: [:], overrides: []
        ).validate(now: referenceTime)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.batches.map(\.name) == ["python_synthetic", "sqlite_orders", "templated_sql"])
    }

    @Test func scalarOverridesParseAsYAML() {
        #expect(ConfigValue.scalar("false") == .bool(false))
        #expect(ConfigValue.scalar("3") == .int(3))
        #expect(ConfigValue.scalar("0.5") == .double(0.5))
        #expect(ConfigValue.scalar("\"3\"") == .string("3"))
        #expect(ConfigValue.scalar("email,slack") == .string("email,slack"))
    }
}
