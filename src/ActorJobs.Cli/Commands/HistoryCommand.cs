using System.CommandLine;
using System.Globalization;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs history ID</c>: a job's stored events in order (submitted, started, retrying, completed, ...).</summary>
internal static class HistoryCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command("history", "Print a job's history: every event stored for it, oldest first") { id };
        CommandActions.Set(command, context, global, async run =>
        {
            var events = await run.Client.GetJobEventsAsync(run.Value(id), run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(events);
                return ExitCodes.Ok;
            }

            var table = Render.Table("#", "AT", "EVENT");
            foreach (var e in events)
            {
                Render.Row(table, e.SequenceNr.ToString(CultureInfo.InvariantCulture), Render.Time(e.At), e.Event);
            }

            run.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
