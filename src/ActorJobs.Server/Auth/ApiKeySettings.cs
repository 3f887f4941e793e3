using System.Security.Cryptography;
using System.Text;

namespace ActorJobs.Server.Auth;

/// <summary>One API key as configured: who it is, the SHA-256 of the key, its tenant and its role.</summary>
public sealed class ApiKeySettings
{
    /// <summary>A name for people and logs (the key itself is never logged).</summary>
    public string? Name { get; set; }

    /// <summary>The SHA-256 of the key's UTF-8 bytes, as 64 hex digits.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The tenant the key acts for (default <c>default</c>).</summary>
    public string? Tenant { get; set; }

    /// <summary><c>admin</c> (every tenant, queue control) or <c>tenant</c> (its own tenant's jobs and schedules only).</summary>
    public string? Role { get; set; }

    /// <summary>The value of <see cref="Sha256"/> for <paramref name="key"/>: the SHA-256 of its UTF-8 bytes as 64 lowercase hex digits.</summary>
    public static string HashOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
