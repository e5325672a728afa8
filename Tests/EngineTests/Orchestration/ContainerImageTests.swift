import Fixtures
import Foundation
import Testing

/// The Dockerfile cannot be built here (no Docker engine), so its promises are checked as text:
/// the runtime stage installs a package for every system library the engine links, runs as the
/// numeric user the manifests' runAsNonRoot needs, and carries the metrics folder the manifests
/// point at.
@Suite struct ContainerImageTests {
    @Test func theRuntimeImageHasEveryLinkedLibraryAndANumericUser() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let stages = text.components(separatedBy: "\nFROM ")
        #expect(stages.count == 3)  // the header comment, the build stage, the runtime stage
        #expect(text.hasPrefix("#") && text.contains("FROM swift:"))
        let runtime = try #require(stages.last)
        // System library modules (Sources/C*/module.modulemap) and the runtime package each needs.
        let runtimePackages = ["pq": "libpq5", "crypto": "libssl3", "z": "zlib1g", "curl": "libcurl4"]
        for module in ["CLibPQ", "CLibCrypto", "CZlib"] {
            let map = try String(contentsOf: repositoryRoot.appendingPathComponent("Sources/\(module)/module.modulemap"), encoding: .utf8)
            let library = try #require(map.firstMatch(of: /link "([a-z0-9]+)"/)?.1)
            let package = try #require(runtimePackages[String(library)], "no runtime package known for -l\(library)")
            #expect(runtime.contains(package), "the runtime stage lacks \(package) for \(module)")
        }
        for package in ["libsqlite3-0", "libcurl4", "python3", "ca-certificates"] { #expect(runtime.contains(package)) }
        #expect(runtime.contains("USER 10001"))
        #expect(runtime.contains("COPY metrics /app/metrics"))
        #expect(runtime.contains(#"ENTRYPOINT ["engine"]"#))
    }
}
