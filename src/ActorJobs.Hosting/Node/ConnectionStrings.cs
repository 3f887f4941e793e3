using System.Data.Common;

namespace ActorJobs.Hosting;

/// <summary>Connection strings as they may be shown: secrets replaced, so a log or an error never carries a password.</summary>
public static class ConnectionStrings
{
    private static readonly string[] SecretKeys = ["password", "pwd", "passfile", "sslpassword", "sslkey"];

    /// <summary>The connection string with every secret value replaced by <c>***</c>; a string that does not parse is replaced whole.</summary>
    public static string Redact(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException)
        {
            return "(a connection string that does not parse; not shown)";
        }

        foreach (var key in builder.Keys.Cast<string>().ToList())
        {
            if (SecretKeys.Contains(key.Replace(" ", "", StringComparison.Ordinal), StringComparer.OrdinalIgnoreCase))
            {
                builder[key] = "***";
            }
        }

        return builder.ConnectionString;
    }
}
