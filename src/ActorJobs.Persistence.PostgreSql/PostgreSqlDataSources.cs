using Npgsql;

namespace ActorJobs.Persistence.PostgreSql;

/// <summary>Turns options into an Npgsql data source, with errors that name the bad setting.</summary>
internal static class PostgreSqlDataSources
{
    public static NpgsqlDataSource Create(PostgreSqlPersistenceOptions options)
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

            return builder.Build();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {e.Message}", nameof(options), e);
        }
    }

    /// <summary>Where the data source points, for messages (never the password).</summary>
    public static string Describe(NpgsqlDataSource dataSource)
    {
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database}";
    }
}
