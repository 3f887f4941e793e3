using System.CommandLine;
using System.Globalization;

namespace ActorJobs.Cli.Commands;

/// <summary><c>actorjobs queues show NAME</c>: a queue with its workers and the first waiting jobs in order.</summary>
internal static class QueueShowCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var name = new Argument<string>("name") { Description = "The queue's name" };
        var command = new Command("show", "Show a queue: its workers and waiting jobs in order") { name };
        CommandActions.Set(command, context, global, async run =>
        {
            var queue = await run.Client.GetQueueAsync(run.Value(name), run.CancellationToken);
            if (run.Json)
            {
                run.WriteJson(queue);
                return ExitCodes.Ok;
            }

            run.Console.Write(Render.Queues([queue]));
            var workers = Render.Table("WORKER", "STATE", "JOB", "SINCE", "COMPLETED", "FAILED", "BUSY");
            foreach (var w in queue.Workers)
            {
                Render.Row(workers, w.Name, w.State, w.CurrentJob, Render.Time(w.Since), w.Completed.ToString(CultureInfo.InvariantCulture),
                    w.Failed.ToString(CultureInfo.InvariantCulture), Render.Percent(w.BusyFraction));
            }

            run.Console.Write(workers);
            var positions = Render.Table("POSITION", "JOB", "TYPE", "PRIORITY", "WAITS FOR");
            foreach (var p in queue.Positions)
            {
                Render.Row(positions, p.Position.ToString(CultureInfo.InvariantCulture), p.JobId, p.Type, p.Priority.ToString(CultureInfo.InvariantCulture),
                    p.Reason + (p.Details is null ? string.Empty : $": {p.Details}"));
            }

            run.Console.Write(positions);
            return ExitCodes.Ok;
        });
        return command;
    }
}
