namespace ActorJobs.Jobs.Actors;

/// <summary>Stopping claims on this node only (graceful shutdown); unlike a pause, nothing is stored and other nodes go on.</summary>
internal sealed partial class QueueActor
{
    private bool _claimsStopped;

    /// <summary>Stops claiming for good; answered with the queue's status once no claim is in flight, so nothing is claimed after the answer.</summary>
    private void StopClaiming()
    {
        _claimsStopped = true;
        _pauseReplies.Add(Sender);
        if (!_claiming)
        {
            AnswerPauseRequests();
        }
    }
}

/// <summary>To a QueueActor: claim nothing more on this node; answered with its <see cref="QueueStatus"/> once no claim is in flight.</summary>
internal sealed record StopClaims
{
    public static readonly StopClaims Instance = new();
}
