import Engine
import Foundation
import Testing

@Suite struct LocalModelStoreTests {
    @Test func savesReplacesAndLoads() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = LocalModelStore(root: root)
        #expect(try store.load(key: "b/m.json") == nil)
        try store.save(Data("one".utf8), key: "b/m.json")
        try store.save(Data("two".utf8), key: "b/m.json")
        #expect(try store.load(key: "b/m.json") == Data("two".utf8))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("b").path)
        #expect(leftovers == ["m.json"])
    }

    @Test func onlyLocalPathsAreAccepted() throws {
        #expect(throws: JobError.self) { try LocalModelStore(modelPath: "s3://bucket/models", base: URL(fileURLWithPath: "/tmp")) }
        #expect(try LocalModelStore(modelPath: "local://./models", base: URL(fileURLWithPath: "/srv")).root.path == "/srv/./models")
    }
}
