using ActorJobs.Jobs;
using ActorJobs.Server.Problems;

namespace ActorJobs.Server.Auth;

/// <summary>Who sent a request: the key's name, its tenant, and whether it is an admin.</summary>
/// <param name="Name">The key's name.</param>
/// <param name="Tenant">The key's tenant.</param>
/// <param name="IsAdmin">Admins see every tenant and control queues.</param>
internal sealed record Caller(string Name, string Tenant, bool IsAdmin)
{
    /// <summary>The caller of a node started without keys (it listens on 127.0.0.1 only).</summary>
    public static Caller Local { get; } = new("local", JobCatalog.DefaultTenant, IsAdmin: true);

    private static readonly object ItemKey = new();

    /// <summary>The caller the key check stored on the request.</summary>
    public static Caller Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var caller) && caller is Caller c
            ? c
            : throw new InvalidOperationException("The request was not authenticated; the API key middleware must run before the endpoints.");

    /// <summary>Stores the caller on the request.</summary>
    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    /// <summary>
    /// The tenant a read is limited to: a tenant key's own; for an admin, <c>?tenant=</c> when given, else none (every tenant).
    /// </summary>
    public string? ReadScope(string? requestedTenant) => IsAdmin ? CheckTenant(requestedTenant) : Tenant;

    /// <summary>The tenant something new is created in: a tenant key's own; for an admin, <c>?tenant=</c> or the default tenant.</summary>
    public string WriteTenant(string? requestedTenant) => IsAdmin ? CheckTenant(requestedTenant) ?? JobCatalog.DefaultTenant : Tenant;

    /// <summary>Refuses a caller that is not an admin.</summary>
    /// <exception cref="ApiProblemException">403.</exception>
    public void RequireAdmin(string what)
    {
        if (!IsAdmin)
        {
            throw ApiProblemException.Forbidden($"{what} needs an admin key; key '{Name}' has the tenant role.");
        }
    }

    private static string? CheckTenant(string? tenant) => tenant is null ? null : Names.Require(tenant, "tenant");
}
