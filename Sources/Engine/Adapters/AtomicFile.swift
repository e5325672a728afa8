import Foundation

/// Writes a file whole or not at all, and leaves nothing behind when killed half way.
///
/// Foundation's `.atomic` option writes to a randomly named temporary file, so a process killed
/// between the write and the rename leaves an orphan that no later run ever removes. Here the
/// temporary name is derived from the target (`.<name>.tmp` beside it): a rerun that writes the
/// same file reuses and renames it, so an interrupted job that is rerun leaves exactly the files an
/// uninterrupted one would.
public enum AtomicFile {
    /// Writes `data` to `url`, creating the folder when it is missing.
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp")
        try data.write(to: temporary)
        // rename(2) replaces the old file atomically; FileManager's replaceItemAt does not on Linux.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw JobError("cannot write \(url.path): \(reason)")
        }
    }
}
