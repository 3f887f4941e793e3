using System.Collections.Concurrent;
using ActorJobs.Hosting;
using ActorJobs.Jobs;

namespace ActorJobs.Server.Tests;

/// <summary>
/// Job types the API tests drive: <c>test.gate</c> runs until its gate opens (it says when it started and writes log
/// lines), <c>test.fail</c> always fails and is dead-lettered at once, <c>test.counted</c> has a params schema.
/// They run on queue <c>test</c>; queue <c>test-held</c> is for tests that pause a queue.
/// </summary>
public sealed class TestJobTypes
{
    public const string CountedSchema = """
        {"type":"object","required":["count"],"properties":{"count":{"type":"integer","minimum":1}}}
        """;

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new(StringComparer.Ordinal);

    /// <summary>Completes when a test.gate job with params.gate = <paramref name="gate"/> has started.</summary>
    public Task Started(string gate) => Get(_started, gate).Task;

    /// <summary>Lets the test.gate job with params.gate = <paramref name="gate"/> finish.</summary>
    public void Open(string gate) => Get(_gates, gate).TrySetResult();

    public void Register(ActorJobsBuilder b)
    {
        b.AddQueue("test", 4).AddJobGroup("test", "test", "Jobs of the API tests.")
            .AddQueue("test-held", 1).AddJobGroup("test-held", "test-held", "Jobs of tests that pause their queue.");
        b.AddJobType("test.gate", "test", RunGateAsync, retry: RetryPolicy.None, suspendable: true,
            paramsSchema: """{"type":"object","required":["gate"],"properties":{"gate":{"type":"string"}}}""");
        b.AddJobType("test.fail", "test", _ => throw new InvalidOperationException("test.fail always fails"), retry: RetryPolicy.None);
        b.AddJobType("test.counted", "test", _ => Task.FromResult<object?>(null), paramsSchema: CountedSchema);
        b.AddJobType("test.held", "test-held", _ => Task.FromResult<object?>(null));
    }

    private async Task<object?> RunGateAsync(JobContext context)
    {
        using var document = System.Text.Json.JsonDocument.Parse(context.ParamsJson);
        var gate = document.RootElement.GetProperty("gate").GetString()!;
        context.Log.Info($"gate {gate}: started");
        context.Log.Info($"gate {gate}: waiting");
        Get(_started, gate).TrySetResult();
        try
        {
            await Get(_gates, gate).Task.WaitAsync(context.CancellationToken);
        }
        catch (OperationCanceledException) when (context.StopReason == StopReason.Suspend)
        {
            context.SaveCheckpoint(new { gate });
            throw;
        }

        context.Log.Info($"gate {gate}: opened");
        return new { gate };
    }

    private static TaskCompletionSource Get(ConcurrentDictionary<string, TaskCompletionSource> map, string key) =>
        map.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
