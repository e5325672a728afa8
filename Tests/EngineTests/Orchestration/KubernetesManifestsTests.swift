import Engine
import Fixtures
import Foundation
import Testing
import Yams

/// The generated manifests, parsed back as YAML, carry every field the engine needs: one CronJob
/// per batch and scheduled job with its cron and default status, the `engine run` command with
/// the batch and the scheduled time from the CronJob annotation, the Secret, and the dashboard.
@Suite struct KubernetesManifestsTests {
    func batches() throws -> [BatchConfig] {
        try BatchLoader(
            folder: InMemoryMetricsFolder([
                "orders/orders.yaml": """
                metric_batch: orders
                ingest_sql: select 1
                ingest_cron_schedule: "*/5 * * * *"
                ingest_default_schedule_status: RUNNING
                score_after: ingest
                alert_after: score
                train_cron_schedule: "0 3 * * *"
                disable_change: true
                """,
                "a_very_long_batch_name_that_goes_on_and_on_and_on/b.yaml": """
                metric_batch: a_very_long_batch_name_that_goes_on_and_on_and_on
                ingest_sql: select 1
                """,
            ])
        ).loadValid()
    }

    func documents() throws -> [[String: Any]] {
        let text = try KubernetesManifests(
            plan: OrchestrationPlan(batches: try batches()),
            settings: .init(image: "registry.example/engine:1.2", namespace: "metrics", secret: "engine-env")
        ).yaml()
        return try Yams.load_all(yaml: text).map { try #require($0 as? [String: Any]) }
    }

    @Test func everyScheduledJobIsACronJobRunningTheEngineForItsBatch() throws {
        let documents = try documents()
        let cronJobs = documents.filter { $0["kind"] as? String == "CronJob" }
        let names = cronJobs.map { (($0["metadata"] as? [String: Any])?["name"] as? String) ?? "" }
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.count <= 52 && name.range(of: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", options: .regularExpression) != nil, "\(name)")
        }

        let ingest = try #require(cronJobs.first { (($0["metadata"] as? [String: Any])?["name"] as? String) == "engine-orders-ingest" })
        #expect(ingest["apiVersion"] as? String == "batch/v1")
        let spec = try #require(ingest["spec"] as? [String: Any])
        #expect(spec["schedule"] as? String == "*/5 * * * *")
        #expect(spec["suspend"] as? Bool == false)
        #expect(spec["concurrencyPolicy"] as? String == "Forbid")
        #expect(spec["timeZone"] as? String == "Etc/UTC")
        let pod = try #require(
            ((((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"]) as? [String: Any])
        #expect(pod["restartPolicy"] as? String == "Never")
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect(container["image"] as? String == "registry.example/engine:1.2")
        // The followers run in the same invocation, in order; the time is the annotation's.
        #expect(
            container["args"] as? [String] == [
                "run", "ingest", "score", "alert", "--batch", "orders", "--metrics", "/app/metrics",
                "--as-of", "$(ENGINE_SCHEDULED_TIME)", "--lease-wait", "90",
            ])
        let env = try #require(container["env"] as? [[String: Any]])
        let scheduled = try #require(env.first { $0["name"] as? String == "ENGINE_SCHEDULED_TIME" })
        let fieldRef = ((scheduled["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"] as? String
        #expect(fieldRef == "metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp']")
        #expect(((container["envFrom"] as? [[String: Any]])?.first?["secretRef"] as? [String: Any])?["name"] as? String == "engine-env")

        // train keeps Anomstack's default status (STOPPED): the CronJob exists, suspended.
        let train = try #require(cronJobs.first { (($0["metadata"] as? [String: Any])?["name"] as? String) == "engine-orders-train" })
        #expect((train["spec"] as? [String: Any])?["suspend"] as? Bool == true)
        #expect((train["spec"] as? [String: Any])?["schedule"] as? String == "0 3 * * *")
        // Disabled jobs get none; a follower keeps its own cron's CronJob, suspended as its status says.
        #expect(!names.contains("engine-orders-change"))
        let score = try #require(cronJobs.first { (($0["metadata"] as? [String: Any])?["name"] as? String) == "engine-orders-score" })
        #expect((score["spec"] as? [String: Any])?["suspend"] as? Bool == true)
        #expect(names.allSatisfy { ($0.hasPrefix("engine-orders-") || $0.hasPrefix("engine-a-very-long")) })
        #expect(documents.allSatisfy { (($0["metadata"] as? [String: Any])?["namespace"] as? String) == "metrics" })
    }

    @Test func theDashboardServesWithoutSchedules() throws {
        let deployment = try #require(try documents().first { $0["kind"] as? String == "Deployment" })
        let pod = try #require((((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"]) as? [String: Any])
        let args = (pod["containers"] as? [[String: Any]])?.first?["args"] as? [String]
        #expect(args?.prefix(2) == ["serve", "--no-schedule"])
        #expect(args?.contains("0.0.0.0") == true)
    }

    @Test func longNamesAreShortenedWithoutCollisions() {
        let a = KubernetesManifests.objectName(["engine", String(repeating: "x", count: 60) + "_a", "ingest"])
        let b = KubernetesManifests.objectName(["engine", String(repeating: "x", count: 60) + "_b", "ingest"])
        #expect(a.count <= 52 && b.count <= 52 && a != b)
        #expect(KubernetesManifests.objectName(["engine", "Orders_EU", "score"]) == "engine-orders-eu-score")
    }
}
