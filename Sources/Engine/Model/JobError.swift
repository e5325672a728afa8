/// The engine's error for a failure the user can act on (a bad file, a refused connection, a
/// missing setting): its message names what failed and where, and is shown as it is.
public struct JobError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
