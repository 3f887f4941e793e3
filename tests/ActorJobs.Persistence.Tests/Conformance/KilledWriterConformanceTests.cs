using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ActorJobs.Persistence.CrashWriter;
using ActorJobs.Persistence.Journal;

namespace ActorJobs.Persistence.Tests.Conformance;

/// <summary>
/// A real process appends batches through the batching writer and is killed while it writes; afterwards every
/// entity must hold a gapless history made of whole batches, including every batch the process had acknowledged.
/// Runs for the database backends (a killed process takes an in-memory journal with it).
/// </summary>
public abstract class KilledWriterConformanceTests
{
    private const int AcknowledgedBatchesBeforeKill = 150;

    // Must match the crash writer's layout: 4 loops of 20 entities each.
    private static readonly string[] EntityIds =
        [.. Enumerable.Range(0, 4).SelectMany(loop => Enumerable.Range(0, 20).Select(entity => $"crash-{loop}-{entity}"))];

    /// <summary>The crash writer's name for the backend.</summary>
    protected abstract string Backend { get; }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>Opens a journal on it to inspect what the killed process left.</summary>
    protected abstract Task<IJournal> OpenJournalAsync(string connectionString);

    protected abstract Task DropDatabaseAsync(string connectionString, IJournal journal);

    [Fact]
    public async Task A_writer_killed_mid_stream_leaves_whole_batches_only_and_every_acknowledged_one()
    {
        var connectionString = await CreateDatabaseAsync();
        var acknowledged = await RunCrashWriterAndKillAsync(connectionString);

        var journal = await OpenJournalAsync(connectionString);
        try
        {
            var marks = new List<BatchMark>();
            foreach (var id in EntityIds)
            {
                var expected = 1L;
                await foreach (var stored in journal.ReplayAsync(id, 1, long.MaxValue, long.MaxValue))
                {
                    Assert.Equal(expected++, stored.SequenceNr);
                    marks.Add(JsonSerializer.Deserialize<BatchMark>(stored.Payload.Span)!);
                }

                Assert.Equal(expected - 1, await journal.ReadHighestSequenceNrAsync(id));
            }

            var batches = marks.GroupBy(mark => mark.Batch).ToDictionary(batch => batch.Key);
            foreach (var batch in batches.Values)
            {
                var writes = batch.GroupBy(mark => mark.Write).ToList();
                Assert.True(writes.Count == batch.First().WritesInBatch, $"batch {batch.Key} has {writes.Count} of its {batch.First().WritesInBatch} writes");
                foreach (var write in writes)
                {
                    Assert.Equal(Enumerable.Range(0, write.First().EventsInWrite), write.Select(mark => mark.Event).Order());
                }
            }

            Assert.All(acknowledged, batch => Assert.True(batches.ContainsKey(batch), $"acknowledged batch {batch} is missing"));
        }
        finally
        {
            await DropDatabaseAsync(connectionString, journal);
        }
    }

    private async Task<HashSet<long>> RunCrashWriterAndKillAsync(string connectionString)
    {
        var acknowledged = new HashSet<long>();
        var enoughWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorJobs.Persistence.CrashWriter.dll"));
        start.ArgumentList.Add(Backend);
        start.ArgumentList.Add(connectionString);

        using var process = new Process { StartInfo = start };
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && text.StartsWith("acked ", StringComparison.Ordinal))
            {
                lock (acknowledged)
                {
                    acknowledged.Add(long.Parse(text.AsSpan(6), CultureInfo.InvariantCulture));
                    if (acknowledged.Count >= AcknowledgedBatchesBeforeKill)
                    {
                        enoughWritten.TrySetResult();
                    }
                }
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(enoughWritten.Task, exited).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(first == enoughWritten.Task, $"The crash writer exited with {(process.HasExited ? process.ExitCode : -1)} before writing enough: {errors}");

        // SIGKILL while its loops are mid-batch: no cleanup, no flush, exactly like a crash.
        process.Kill(entireProcessTree: true);
        await exited;
        lock (acknowledged)
        {
            return [.. acknowledged];
        }
    }
}
