using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ActorJobs.Jobs;

namespace ActorJobs.Server.Auth;

/// <summary>
/// The configured API keys, checked once at start. A presented key is hashed and compared with every stored hash in
/// constant time, so neither the answer's timing nor an early exit tells which key came close.
/// </summary>
internal sealed class ApiKeyRing
{
    private readonly (byte[] Hash, Caller Caller)[] _keys;

    /// <summary>Checks the configured keys.</summary>
    /// <exception cref="InvalidOperationException">A key entry is unusable; the message names the entry and field.</exception>
    public ApiKeyRing(IReadOnlyList<ApiKeySettings> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new (byte[], Caller)[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            _keys[i] = Check(keys[i], $"{ServerSettings.Section}:ApiKeys:{i}");
        }
    }

    /// <summary>True when no key is configured: the node serves 127.0.0.1 only, every caller as a local admin.</summary>
    public bool IsEmpty => _keys.Length == 0;

    /// <summary>How many keys are configured.</summary>
    public int Count => _keys.Length;

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
