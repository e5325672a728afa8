import Engine
import Foundation
import Testing

/// The engine's side of Dagster Pipes: bootstrap parameters decoded as Dagster encodes them,
/// the context read from its file, and the messages written as the protocol's JSON lines.
@Suite struct DagsterPipesSessionTests {
    func folder() throws -> URL { try temporaryFolder("engine-pipes") }

    @Test func aRunIsReportedAsMessagesDagsterReads() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let contextFile = dir.appendingPathComponent("context.json")
        let messages = dir.appendingPathComponent("messages")
        try Data(#"{"asset_keys": ["anomaly_engine/orders/ingest"], "run_id": "r1", "job_name": "orders_ingest", "extras": {}}"#.utf8)
            .write(to: contextFile)
        let environment = [
            "DAGSTER_PIPES_CONTEXT": PipesParameter.encode(.object(["path": .string(contextFile.path)])),
            "DAGSTER_PIPES_MESSAGES": PipesParameter.encode(.object(["path": .string(messages.path)])),
        ]
        let session = try #require(try DagsterPipesSession.open(environment: environment))
        #expect(session.assetKeys == ["anomaly_engine/orders/ingest"] && session.runID == "r1")
        let at = MetricTimestamp.parse("2026-01-15 12:00:00")!
        let runs = [
            JobRun(job: .ingest, batch: "orders", asOf: at, startedAt: at, finishedAt: at, status: .success, rowsWritten: 12),
            JobRun(job: .alert, batch: "orders", asOf: at, startedAt: at, finishedAt: at, status: .success, rowsWritten: 2),
        ]
        try PipesRunReport(runs: runs, asOf: at).send(to: session)
        try session.close()
        let lines = try String(contentsOf: messages, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(
            lines.map { $0["method"] as? String }
                == ["opened", "log", "log", "report_asset_materialization", "report_asset_check", "report_asset_check", "closed"])
        #expect(lines.allSatisfy { $0["__dagster_pipes_version"] as? String == "0.1" })
        let materialization = try #require(lines[3]["params"] as? [String: Any])
        #expect(materialization["asset_key"] as? String == "anomaly_engine/orders/ingest")
        let metadata = try #require(materialization["metadata"] as? [String: [String: Any]])
        #expect(metadata["rows_written"]?["raw_value"] as? Int == 14 && metadata["rows_written"]?["type"] as? String == "int")
        #expect(metadata["alerts_raised"]?["raw_value"] as? Int == 2)
        #expect(metadata["as_of"]?["type"] as? String == "timestamp" && metadata["as_of"]?["raw_value"] as? Double == at.timeIntervalSince1970)
        let check = try #require(lines[4]["params"] as? [String: Any])
        #expect(check["check_name"] as? String == "runs_succeeded" && check["passed"] as? Bool == true)
        let fresh = try #require(lines[5]["params"] as? [String: Any])
        #expect(fresh["check_name"] as? String == "new_data" && fresh["passed"] as? Bool == true && fresh["severity"] as? String == "WARN")
        // Closing twice writes one `closed`; nothing can be sent afterwards.
        try session.close()
        #expect(throws: JobError.self) { try session.log("late") }
    }

    @Test func aFailedRunReportsNoMaterializationAndAFailedCheck() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let messages = dir.appendingPathComponent("messages")
        let environment = [
            "DAGSTER_PIPES_CONTEXT": PipesParameter.encode(
                .object([
                    "data": .object([
                        "asset_keys": .array([.string("x")]),
                        "run_id": .string("r2"),
                    ])
                ])),
            "DAGSTER_PIPES_MESSAGES": PipesParameter.encode(.object(["path": .string(messages.path)])),
        ]
        let session = try #require(try DagsterPipesSession.open(environment: environment))
        let at = MetricTimestamp.parse("2026-01-15 12:00:00")!
        try PipesRunReport(
            runs: [
                JobRun(
                    job: .train, batch: "b", asOf: at, startedAt: at, finishedAt: at, status: .failed, rowsWritten: 0,
                    error: "the source is down")
            ], asOf: at
        ).send(to: session)
        let text = try String(contentsOf: messages, encoding: .utf8)
        #expect(!text.contains("report_asset_materialization"))
        #expect(text.contains(#""passed":false"#) && text.contains("train: the source is down"))
    }

    @Test func noContextMeansNoSessionAndBadParametersAreNamed() throws {
        #expect(try DagsterPipesSession.open(environment: [:]) == nil)
        #expect { try DagsterPipesSession.open(environment: ["DAGSTER_PIPES_CONTEXT": "%%%"]) } throws: {
            "\($0)" == "DAGSTER_PIPES_CONTEXT is not base64"
        }
        #expect { try DagsterPipesSession.open(environment: ["DAGSTER_PIPES_CONTEXT": Data("plain".utf8).base64EncodedString()]) } throws: {
            "\($0)".hasPrefix("DAGSTER_PIPES_CONTEXT is not zlib-compressed")
        }
        #expect(try PipesParameter.decode(PipesParameter.encode(.object(["path": .string("/x")])), name: "p")["path"] as? String == "/x")
    }
}
