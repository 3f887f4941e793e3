using System.Globalization;
using ActorJobs.Actors;

namespace ActorJobs.Jobs.CrashNode;

/// <summary>
/// Prints every job change this node made durable as <c>event KIND JOB ATTEMPT VERSION</c>: the test learns from it,
/// for example, that a second node has rescued a job the first one still believes it runs.
/// </summary>
internal sealed class LifecyclePrinter : ReceiveActor
{
    public LifecyclePrinter() =>
        Receive<JobLifecycleEvent>(
            e => e.Kind is not ("job.progress" or "job.submitted"),
            e => Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"event {e.Kind} {e.Job.Id} {e.Job.Attempt} {e.Job.Version}")));
}
