using ActorJobs.Jobs;
using ActorJobs.Jobs.Store;

namespace ActorJobs.Server.Endpoints;

/// <summary>The filters, order and page of GET /jobs and GET /dead-letters, parsed from the query string.</summary>
internal static class JobFilters
{
    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page.</summary>
    public const int MaxLimit = 1000;

    /// <summary>
    /// The query, or null when the filters can match nothing (a group none of whose types was asked for), so the
    /// answer is an empty page without asking the store.
    /// </summary>
    /// <exception cref="JobValidationException">A status, group, order, offset or limit is wrong; the message names it.</exception>
    public static JobQuery? Parse(
        JobCatalog catalog, string? tenant, string[]? status, string[]? type, string[]? queue, string[]? group, string? order, string? offset, string? limit)
    {
        var statuses = new List<JobStatus>();
        foreach (var name in QueryValues.List(status, "status"))
        {
            statuses.Add(JobStatuses.TryParse(name, out var parsed)
                ? parsed
                : throw new JobValidationException("status", $"'{QueryValues.Shorten(name)}' is not a job status; use one of: {string.Join(", ", JobStatuses.All.Select(s => s.WireName()))}"));
        }

        var types = QueryValues.List(type, "type");
        var groups = QueryValues.List(group, "group");
        if (groups.Count > 0)
        {
            var ofGroups = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in groups)
            {
                if (!catalog.Groups.ContainsKey(name))
                {
                    throw new JobValidationException("group", $"'{QueryValues.Shorten(name)}' is not a job group; known groups: {string.Join(", ", catalog.Groups.Keys.Order(StringComparer.Ordinal))}");
                }

                ofGroups.UnionWith(catalog.Types.Values.Where(t => t.Definition.Group == name).Select(t => t.Definition.Id));
            }

            types = types.Count == 0 ? [.. ofGroups.Order(StringComparer.Ordinal)] : [.. types.Where(ofGroups.Contains)];
            if (types.Count == 0)
            {
                return null;
            }
        }

        var (orderBy, descending) = Order(order);
        return new JobQuery
        {
            Tenant = tenant,
            Statuses = statuses,
            Types = types,
            Queues = QueryValues.List(queue, "queue"),
            OrderBy = orderBy,
            Descending = descending,
            Offset = QueryValues.Int(offset, "offset", 0, 0, int.MaxValue),
            Limit = QueryValues.Int(limit, "limit", DefaultLimit, 1, MaxLimit),
        };
    }

    /// <summary>The page a query that matches nothing still reports.</summary>
    public static (int Offset, int Limit) Page(string? offset, string? limit) =>
        (QueryValues.Int(offset, "offset", 0, 0, int.MaxValue), QueryValues.Int(limit, "limit", DefaultLimit, 1, MaxLimit));

    private static (JobOrder, bool) Order(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return (JobOrder.Created, false);
        }

        var descending = text.StartsWith('-');
        var name = descending ? text[1..] : text;
        return name.ToLowerInvariant() switch
        {
            "created" => (JobOrder.Created, descending),
            "scheduled" => (JobOrder.Scheduled, descending),
            "priority" => (JobOrder.Priority, descending),
            _ => throw new JobValidationException("order", $"'{QueryValues.Shorten(text)}' is not an order; use created, scheduled or priority, with a leading - for descending"),
        };
    }
}
