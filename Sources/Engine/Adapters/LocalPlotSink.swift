import Foundation

/// Writes charts to `<root>/<batch>/<file>` on disk, atomically (a reader never sees half a file).
public struct LocalPlotSink: PlotSink {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func write(batch: String, file: String, data: Data) throws {
        let folder = root.appendingPathComponent(PlotJob.fileStem(batch), isDirectory: true)
        try AtomicFile.write(data, to: folder.appendingPathComponent(file))
    }
}
