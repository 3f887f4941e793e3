namespace ActorJobs.Actors;

/// <summary>What a supervisor does with a child that threw.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; drop the failing message and go on with the next.</summary>
    Resume,

    /// <summary>Replace the instance with a new one from its Props; queued messages are kept, the failing one is dropped.</summary>
    Restart,

    /// <summary>Stop the child for good.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception, so that its own parent decides.</summary>
    Escalate,
}
