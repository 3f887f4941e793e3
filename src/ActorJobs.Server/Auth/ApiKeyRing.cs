using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActorJobs.Jobs;

namespace ActorJobs.Server.Auth;

/// <summary>
/// The configured API keys, checked at start and on each reload (<see cref="Replace"/>). A presented key is hashed and
/// compared with every stored hash in constant time, so neither the answer's timing nor an early exit tells which key
/// came close.
/// </summary>
internal sealed class ApiKeyRing
{
    private volatile (byte[] Hash, Caller Caller)[] _keys;

    /// <summary>Checks the configured keys.</summary>
    /// <exception cref="InvalidOperationException">A key entry is unusable; the message names the entry and field.</exception>
    public ApiKeyRing(IReadOnlyList<ApiKeySettings> keys)
    {
        _keys = CheckAll(keys);
        IsEmpty = _keys.Length == 0;
    }

    /// <summary>
    /// True when the node started without keys: it serves 127.0.0.1 only, every caller as a local admin. Fixed at
    /// start, since the addresses the node listens on depend on it.
    /// </summary>
    public bool IsEmpty { get; }

    /// <summary>How many keys are in use.</summary>
    public int Count => _keys.Length;

    /// <summary>
    /// Puts <paramref name="keys"/> in use instead of the current keys, all at once: requests already authenticated
    /// are not affected, the next ones are checked against the new keys (a removed key is refused from then on).
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// A key entry is unusable (named); or the change would move between keys and none, which needs a restart: a node
    /// with keys left with none would serve every caller as an admin, and a node without keys listens on 127.0.0.1 only.
    /// The keys in use stay in use.
    /// </exception>
    public void Replace(IReadOnlyList<ApiKeySettings> keys)
    {
        var next = CheckAll(keys);
        if (IsEmpty && next.Length > 0)
        {
            throw new InvalidOperationException("The node started without API keys and listens on 127.0.0.1 only; restart it to serve with keys.");
        }

        if (!IsEmpty && next.Length == 0)
        {
            throw new InvalidOperationException($"{ServerSettings.Section}:ApiKeys is empty now: the node would serve every caller as an admin; keeping the {_keys.Length} key(s) in use. Restart the node to run without keys.");
        }

        _keys = next;
    }

    private static (byte[], Caller)[] CheckAll(IReadOnlyList<ApiKeySettings> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var checkedKeys = new (byte[], Caller)[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            checkedKeys[i] = Check(keys[i], $"{ServerSettings.Section}:ApiKeys:{i}");
        }

        return checkedKeys;
    }

    /// <summary>The caller a presented key belongs to, or null when it matches no configured key.</summary>
    public Caller? Authenticate(string presentedKey)
    {
        ArgumentNullException.ThrowIfNull(presentedKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), hash);
        Caller? match = null;
        foreach (var (stored, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(stored, hash))
            {
                match = caller;
            }
        }

        return match;
    }

    private static (byte[], Caller) Check(ApiKeySettings key, string path)
    {
        var name = string.IsNullOrWhiteSpace(key.Name) ? throw Bad(path, "Name", "is required") : key.Name;
        if (key.Sha256 is not { Length: SHA256.HashSizeInBytes * 2 } hex || !hex.All(Uri.IsHexDigit))
        {
            throw Bad(path, "Sha256", "must be the SHA-256 of the key as 64 hex digits (for example: printf %s \"$KEY\" | sha256sum); a plain key is never stored");
        }

        var tenant = key.Tenant ?? JobCatalog.DefaultTenant;
        try
        {
            Names.Require(tenant, "tenant");
        }
        catch (JobValidationException e)
        {
            throw Bad(path, "Tenant", e.Problem);
        }

        var admin = key.Role?.ToLowerInvariant() switch
        {
            "admin" => true,
            "tenant" or null => false,
            _ => throw Bad(path, "Role", $"'{key.Role}' is not a role; use admin or tenant"),
        };
        return (Convert.FromHexString(hex), new Caller(name, tenant, admin));
    }

    private static InvalidOperationException Bad(string path, string field, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{path}:{field} {problem}."));
}
