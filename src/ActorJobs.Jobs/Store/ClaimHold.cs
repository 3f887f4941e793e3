namespace ActorJobs.Jobs.Store;

/// <summary>
/// A claim held in the middle of its read (<see cref="InMemoryJobIndex.HoldNextClaim"/>): <see cref="Entered"/>
/// completes when a claim reaches it, and the claim goes on once <see cref="Release"/> is called.
/// </summary>
public sealed class ClaimHold
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a claim has started its read and waits here.</summary>
    public Task Entered => _entered.Task;

    /// <summary>Lets the held claim read and go on.</summary>
    public void Release() => _released.TrySetResult();

    internal Task WaitForReleaseAsync()
    {
        _entered.TrySetResult();
        return _released.Task;
    }
}
