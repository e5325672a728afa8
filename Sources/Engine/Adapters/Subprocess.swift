import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion: its input written, its output and errors drained side by side
/// (so neither pipe can fill and block it), and killed when it runs past `timeout` seconds.
/// What the Python ingest runner, the DuckDB CLI source and the replay's determinism check share.
package struct Subprocess {
    package struct Output {
        package var status: Int32
        package var stdout: Data
        package var stderr: Data
        package var timedOut: Bool
        /// The program wrote more than `outputLimit` bytes and was stopped.
        package var overflowed = false
        package var errorText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `program` (looked up on PATH) with `arguments`. A program that writes more than
    /// `outputLimit` bytes to stdout is killed, so its output cannot exhaust memory.
    package static func run(
        _ program: String, _ arguments: [String], environment: [String: String], workingDirectory: URL? = nil,
        input: Data? = nil, timeout: TimeInterval, outputLimit: Int = .max
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.environment = environment
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let pid = process.processIdentifier
        let collected = OutputCollector(output: stdout, errors: stderr, limit: outputLimit) { kill(pid, SIGKILL) }
        let timedOut = TimeoutFlag()
        let watchdog = DispatchWorkItem {
            timedOut.set()
            // SIGKILL: a program stuck in a C call or catching SIGTERM must still stop.
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + max(timeout, 0.1), execute: watchdog)
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        let (out, err, overflowed) = collected.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Output(status: process.terminationStatus, stdout: out, stderr: err, timedOut: timedOut.isSet, overflowed: overflowed)
    }
}

/// Set once by the watchdog when it stopped the process.
private final class TimeoutFlag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}

/// Drains a child's stdout and stderr concurrently so neither pipe can fill and block it.
private final class OutputCollector: @unchecked Sendable {
    private let group = DispatchGroup()
    private var out = Data()
    private var err = Data()
    private var overflowed = false

    init(output: Pipe, errors: Pipe, limit: Int, stop: @escaping @Sendable () -> Void) {
        group.enter()
        DispatchQueue.global().async { [self] in
            let handle = output.fileHandleForReading
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                if out.count + chunk.count > limit {
                    overflowed = true
                    stop()
                    // Drain what is left in the pipe without keeping it, until the killed child's end closes.
                    while !handle.availableData.isEmpty {}
                    break
                }
                out.append(chunk)
            }
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async { [self] in
            err = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
    }

    func wait() -> (Data, Data, Bool) {
        group.wait()
        return (out, err, overflowed)
    }
}
