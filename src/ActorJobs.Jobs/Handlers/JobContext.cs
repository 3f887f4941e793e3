using System.Text.Json;

namespace ActorJobs.Jobs;

/// <summary>Why a handler's cancellation token fired.</summary>
public enum StopReason
{
    /// <summary>It has not fired.</summary>
    None = 0,

    /// <summary>Someone canceled the job.</summary>
    Cancel = 1,

    /// <summary>Someone suspended the job: save a checkpoint with <see cref="JobContext.SaveCheckpoint{T}"/> and return.</summary>
    Suspend = 2,

    /// <summary>The attempt ran past its timeout.</summary>
    Timeout = 3,

    /// <summary>The node is shutting down.</summary>
    Shutdown = 4,
}

/// <summary>
/// What a handler gets for one attempt: the job's identity and params, a cancellation token (with the reason it
/// fired), a progress reporter, the job's logger, and for suspendable types the checkpoint to resume from.
/// </summary>
public sealed class JobContext
{
    private readonly Action<double, string?> _reportProgress;
    private string? _checkpoint;

    internal JobContext(JobState job, Func<StopReason> stopReason, Action<double, string?> reportProgress, JobLogger log, CancellationToken cancellationToken)
    {
        Job = job;
        CancellationToken = cancellationToken;
        StopReasonSource = stopReason;
        _reportProgress = reportProgress;
        _checkpoint = job.Checkpoint;
        Log = log;
    }

    /// <summary>The job as it was when this attempt started.</summary>
    public JobState Job { get; }

    /// <summary>The job's id.</summary>
    public string JobId => Job.Id;

    /// <summary>The job's tenant.</summary>
    public string Tenant => Job.Tenant;

    /// <summary>This attempt's number, from 1.</summary>
    public int Attempt => Job.Attempt;

    /// <summary>The params as JSON text.</summary>
    public string ParamsJson => Job.Params;

    /// <summary>Fires on cancel, suspend, timeout or shutdown; <see cref="StopReason"/> says which.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Why <see cref="CancellationToken"/> fired (<see cref="Jobs.StopReason.None"/> while it has not).</summary>
    public StopReason StopReason => StopReasonSource();

    /// <summary>The job's logger: lines go to the job's own log.</summary>
    public JobLogger Log { get; }

    /// <summary>The checkpoint this attempt resumes from (JSON text), or null when it starts fresh.</summary>
    public string? CheckpointJson => _checkpoint;

    internal string? LatestCheckpoint => _checkpoint;

    private Func<StopReason> StopReasonSource { get; }

    /// <summary>Reports progress, 0..1, with optional words.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0..1.</exception>
    public void ReportProgress(double progress, string? details = null)
    {
        if (double.IsNaN(progress) || progress is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(progress), progress, "Progress is a fraction from 0 to 1.");
        }

        _reportProgress(progress, details);
    }

    /// <summary>The checkpoint this attempt resumes from, or default when it starts fresh.</summary>
    public T? GetCheckpoint<T>() => _checkpoint is null ? default : JsonSerializer.Deserialize<T>(_checkpoint, JobJson.Options);

    /// <summary>
    /// Records where the handler is, so that a suspension can resume from here. Call it as often as useful; only the
    /// latest is kept, and it is stored when the job is suspended.
    /// </summary>
    public void SaveCheckpoint<T>(T checkpoint) => _checkpoint = JsonSerializer.Serialize(checkpoint, JobJson.Options);
}

/// <summary>Thrown by a handler for a failure that retrying cannot fix: the job fails at once, without retries.</summary>
public sealed class PermanentJobFailureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PermanentJobFailureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PermanentJobFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The JSON settings for params, results and checkpoints (web defaults: camelCase).</summary>
public static class JobJson
{
    /// <summary>The options.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
