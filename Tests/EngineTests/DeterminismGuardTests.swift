import Fixtures
import Foundation
import Testing

/// Engine logic reaches time, randomness, files, processes and the network only through ports;
/// only `Sources/Engine/Adapters` may touch them directly.
@Suite struct DeterminismGuardTests {
    static let forbidden = [
        "Date()", "Date.now", ".random(", "SystemRandomNumberGenerator", "FileManager", "URLSession",
        "Process()", "ProcessInfo", "FileHandle", "arc4random", "DispatchTime.now", "CFAbsoluteTimeGetCurrent",
    ]

    @Test func engineLogicOutsideAdaptersUsesNoAmbientState() throws {
        let engine = repositoryRoot.appendingPathComponent("Sources/Engine")
        let enumerator = FileManager.default.enumerator(at: engine, includingPropertiesForKeys: nil)!
        var violations: [String] = []
        var scanned = 0
        for case let url as URL in enumerator where url.pathExtension == "swift" && !url.path.contains("/Adapters/") {
            scanned += 1
            let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
            for (number, line) in lines.enumerated() {
                let code = line.components(separatedBy: "//").first ?? ""
                for pattern in Self.forbidden where code.contains(pattern) {
                    violations.append("\(url.lastPathComponent):\(number + 1): \(pattern)")
                }
            }
        }
        #expect(scanned > 20)
        #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
    }
}
