import CFuzzerDriver
import Foundation

// libFuzzer's driver, run with this process's arguments (corpus folders, -max_total_time, ...).
// The target comes from `ENGINE_FUZZ_TARGET` (one of `FuzzTarget`'s names), so each keeps its own
// corpus: `scripts/fuzz.sh` sets it.
guard let chosen = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["ENGINE_FUZZ_TARGET"] ?? "") else {
    FileHandle.standardError.write(Data("ENGINE_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
    exit(2)
}
FuzzTarget.selected = chosen
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { start, count in
    FuzzTarget.selected.run(start.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
})
