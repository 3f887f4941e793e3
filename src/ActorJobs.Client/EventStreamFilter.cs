namespace ActorJobs.Client;

/// <summary>Which lifecycle events GET /events sends; null members match everything.</summary>
/// <param name="Job">Only this job's events.</param>
/// <param name="Type">Only jobs of this type.</param>
/// <param name="Queue">Only jobs on this queue.</param>
public sealed record EventStreamFilter(string? Job = null, string? Type = null, string? Queue = null);
