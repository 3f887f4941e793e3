namespace ActorJobs.Client;

/// <summary>The filter, order and page of GET /jobs; null members are left out of the query string.</summary>
public sealed record JobListQuery
{
    /// <summary>The first index of the page.</summary>
    public int? Offset { get; init; }

    /// <summary>The page size.</summary>
    public int? Limit { get; init; }

    /// <summary>A status wire name (waiting, running, completed, ...).</summary>
    public string? Status { get; init; }

    /// <summary>A job type id.</summary>
    public string? Type { get; init; }

    /// <summary>A queue name.</summary>
    public string? Queue { get; init; }

    /// <summary>A job group name.</summary>
    public string? Group { get; init; }

    /// <summary>created, scheduled or priority; a leading <c>-</c> for descending.</summary>
    public string? Order { get; init; }
}
