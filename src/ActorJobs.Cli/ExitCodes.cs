namespace ActorJobs.Cli;

/// <summary>What the <c>actorjobs</c> command's exit code means; scripts may rely on these numbers.</summary>
public static class ExitCodes
{
    /// <summary>Done (a waited-for job completed or was skipped).</summary>
    public const int Ok = 0;

    /// <summary>The job waited for (<c>--wait</c>, <c>--follow</c>) ended failed, canceled, timed out or dead-lettered.</summary>
    public const int JobUnsuccessful = 1;

    /// <summary>A usage error: unknown command or option, a bad value, or input the node refused as invalid (400, 413, 415, 422).</summary>
    public const int Usage = 2;

    /// <summary>The job, queue, schedule or dead letter does not exist (404).</summary>
    public const int NotFound = 3;

    /// <summary>The node refused the command in the thing's current state (409 and other 4xx).</summary>
    public const int Rejected = 4;

    /// <summary>No or a wrong API key (401), or the key's role does not allow it (403).</summary>
    public const int Auth = 5;

    /// <summary>The node cannot be reached.</summary>
    public const int Unreachable = 6;

    /// <summary>The node answered with a server error (5xx) or an answer the command could not read.</summary>
    public const int ServerError = 7;

    /// <summary>Stopped by Ctrl+C or SIGTERM before it was done (a follow, a wait); the job itself is left alone.</summary>
    public const int Interrupted = 130;

    /// <summary>The help text's table of exit codes.</summary>
    public const string Help = """
        Exit codes:
          0  ok
          1  the job waited for (--wait, --follow) ended failed, canceled, timeout or dead-lettered
          2  usage error or input the node refused as invalid
          3  not found
          4  rejected or conflict (the job's status does not allow it)
          5  authentication or authorization failed
          6  cannot reach the node
          7  server error
          130  interrupted (Ctrl+C, SIGTERM); the job itself is left alone
        """;
}
