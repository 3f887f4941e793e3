using System.Text.Json;
using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;

namespace ActorJobs.Server.Mapping;

/// <summary>Job types and groups as the API shows them.</summary>
internal static class CatalogMapping
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    public static JobTypeDto ToDto(this JobTypeDefinition type, JobCatalog catalog) => new()
    {
        Id = type.Id,
        Group = type.Group,
        Queue = catalog.QueueOf(type),
        DisplayName = type.DisplayName,
        Description = type.Description,
        TimeoutSeconds = type.Timeout.TotalSeconds,
        Retry = JsonSerializer.SerializeToElement(
            new RetryView(
                type.Retry.MaxRetries == 0 ? "none" : type.Retry.Backoff == BackoffKind.Fixed ? "fixed" : "exponential",
                type.Retry.MaxRetries,
                type.Retry.InitialDelay.TotalSeconds,
                type.Retry.MaxDelay.TotalSeconds,
                type.Retry.Jitter,
                type.Retry.RetryOnTimeout,
                type.Retry.DeadLetter),
            WebJson),
        Suspendable = type.Suspendable,
        ParamsSchema = JsonText.ParseOptional(type.ParamsSchema),
        Resources = type.Resources,
    };

    public static JobGroupDto ToDto(this JobGroupDefinition group, JobCatalog catalog) =>
        new(group.Name, group.Queue, group.Description.Length == 0 ? null : group.Description,
            [.. catalog.Types.Values.Where(t => t.Definition.Group == group.Name).Select(t => t.Definition.Id).Order(StringComparer.Ordinal)]);

    private sealed record RetryView(string Kind, int MaxRetries, double DelaySeconds, double MaxDelaySeconds, double Jitter, bool RetryOnTimeout, bool DeadLetter);
}
