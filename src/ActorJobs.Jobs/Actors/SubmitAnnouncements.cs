using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ActorJobs.Jobs.Actors;

/// <summary>
/// Who publishes a job's <c>job.submitted</c>. Normally its submitter, once told that the submit committed. But a commit
/// is visible to claims before the submitter's thread runs again, so on a busy node the job's first attempt can start
/// first; it then publishes <c>job.submitted</c> just before its <c>job.started</c>, so that watchers see a job's
/// events in order. Whichever of the two takes the job from here publishes it; the other publishes nothing.
/// </summary>
internal sealed class SubmitAnnouncements
{
    private readonly ConcurrentDictionary<string, JobSubmitted> _unannounced = new(StringComparer.Ordinal);

    /// <summary>Called before the submit is written: from then on either side may announce it.</summary>
    public void Expect(JobSubmitted submitted) => _unannounced[submitted.JobId] = submitted;

    /// <summary>Takes the job's announcement: true for exactly one caller, who then publishes it.</summary>
    public bool TryTake(string jobId, [MaybeNullWhen(false)] out JobSubmitted submitted) => _unannounced.TryRemove(jobId, out submitted);

    /// <summary>The submit did not create the job (its key named another, or the write failed): nothing to announce.</summary>
    public void Forget(string jobId) => _unannounced.TryRemove(jobId, out _);
}
