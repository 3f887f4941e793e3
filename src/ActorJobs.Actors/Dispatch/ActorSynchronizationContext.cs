namespace ActorJobs.Actors.Dispatch;

/// <summary>
/// Brings the continuations of one async handler back onto its actor: each is posted as a system message,
/// so it runs on the actor's turn, one at a time, with Self and Sender as they were when the handler started.
/// One instance per handler call that went async, so a continuation of an abandoned call (after a restart) is recognized and dropped.
/// </summary>
internal sealed class ActorSynchronizationContext(ActorCell cell) : SynchronizationContext
{
    public ActorCell Cell { get; } = cell;

    public override void Post(SendOrPostCallback d, object? state) =>
        Cell.Self.SendSystemMessage(new RunContinuation(this, d, state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Synchronous Send onto an actor would block it; use Post.");

    public override SynchronizationContext CreateCopy() => this;
}
