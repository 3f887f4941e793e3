using System.CommandLine;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs resume ID</c>: Resume a suspended job from its checkpoint.</summary>
internal static class ResumeCommand
{
    public static Command Create(CliContext context, GlobalOptions global) =>
        JobCommand.Create(context, global, "resume", "Resume a suspended job from its checkpoint", (client, id, ct) => client.ResumeJobAsync(id, ct));
}
