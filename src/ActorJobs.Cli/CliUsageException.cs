namespace ActorJobs.Cli;

/// <summary>A value on the command line is wrong; the message says which and why (exit code 2).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
