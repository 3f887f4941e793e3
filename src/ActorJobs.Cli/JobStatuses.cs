namespace ActorJobs.Cli;

/// <summary>Which job statuses end a job, and which of those count as not successful (exit code 1).</summary>
internal static class JobStatuses
{
    public static bool IsFinal(string status) => status is "completed" or "failed" or "canceled" or "timeout" or "skipped" or "dead-lettered";

    public static int ExitCode(string status) => status is "completed" or "skipped" ? ExitCodes.Ok : ExitCodes.JobUnsuccessful;
}
