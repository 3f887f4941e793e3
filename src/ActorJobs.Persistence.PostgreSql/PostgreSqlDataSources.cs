using System.Data.Common;
using Npgsql;

namespace ActorJobs.Persistence.PostgreSql;

/// <summary>Turns options into an Npgsql data source, with errors that name the bad setting.</summary>
internal static class PostgreSqlDataSources
{
    /// <param name="options">The store's options.</param>
    /// <param name="withoutSequentialScans">
    /// Whether the sessions plan without sequential scans, for queries that must use an index whatever the planner
    /// estimates (see <see cref="PostgreSqlJournal.ReplayGroupAsync"/>).
    /// </param>
    public static NpgsqlDataSource Create(PostgreSqlPersistenceOptions options, bool withoutSequentialScans = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("The PostgreSQL connection string is empty; set PostgreSqlPersistenceOptions.ConnectionString.", nameof(options));
        }

        try
        {
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);

            // The journal runs the same few statements for every batch; prepared, the server plans them once.
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
            }

            // Each time a pooled connection is reused, Npgsql first has the server reset its session (RESET ALL and
            // more). The stores leave no session state behind (every statement is a named query, transactions end
            // in commit or rollback), so that is pure server work, and recovery takes a connection two or three
            // times per actor: skipping it measured about a fifth more recovery throughput. A connection string that
            // names the setting keeps its own choice.
            if (!Names(options.ConnectionString, "noresetonclose"))
            {
                builder.ConnectionStringBuilder.NoResetOnClose = true;
            }

            if (withoutSequentialScans)
            {
                var given = builder.ConnectionStringBuilder.Options;
                builder.ConnectionStringBuilder.Options = string.IsNullOrWhiteSpace(given) ? "-c enable_seqscan=off" : $"{given} -c enable_seqscan=off";
            }

            return builder.Build();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {e.Message}", nameof(options), e);
        }
    }

    // Whether the connection string itself sets the keyword (spelled with or without spaces, in any case); Npgsql's
    // builder cannot tell a keyword that was set from one left at its default.
    private static bool Names(string connectionString, string keyword)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
        {
            if (string.Equals(key.Replace(" ", "", StringComparison.Ordinal), keyword, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where the data source points, for messages (never the password).</summary>
    public static string Describe(NpgsqlDataSource dataSource)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
