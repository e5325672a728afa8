/// Decides whether a job run may start: where a lease (one run of a job and batch at a time
/// across processes) or an injected failure plugs in. Throwing fails the run with that error.
public protocol JobGate: Sendable {
    func admit(_ job: JobKind, batch: String) throws
}
