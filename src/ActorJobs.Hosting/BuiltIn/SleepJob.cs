using System.Text.Json;
using ActorJobs.Jobs;

namespace ActorJobs.Hosting.BuiltIn;

/// <summary>
/// The <c>sleep</c> job type: waits <c>params.seconds</c> on the engine's clock (so virtual time drives it in tests),
/// reporting progress about once a second, and stops as soon as its token fires.
/// </summary>
internal static class SleepJob
{
    public const double MaxSeconds = 86_400;

    public const string ParamsSchema = """
        {"type":"object","additionalProperties":false,"required":["seconds"],
         "properties":{"seconds":{"type":"number","minimum":0,"maximum":86400}}}
        """;

    public static async Task<object?> RunAsync(JobContext context, TimeProvider clock)
    {
        using var document = JsonDocument.Parse(context.ParamsJson);
        var seconds = document.RootElement.GetProperty("seconds").GetDouble();
        var total = TimeSpan.FromSeconds(seconds);
        var start = clock.GetUtcNow();
        while (true)
        {
            var elapsed = clock.GetUtcNow() - start;
            if (elapsed >= total)
            {
                break;
            }

            context.ReportProgress(Math.Clamp(elapsed / total, 0, 1), $"{elapsed.TotalSeconds:0} of {seconds:0.###} s");
            var step = total - elapsed < TimeSpan.FromSeconds(1) ? total - elapsed : TimeSpan.FromSeconds(1);
            await Task.Delay(step, clock, context.CancellationToken).ConfigureAwait(false);
        }

        context.ReportProgress(1, $"slept {seconds:0.###} s");
        return new { slept = seconds };
    }
}
