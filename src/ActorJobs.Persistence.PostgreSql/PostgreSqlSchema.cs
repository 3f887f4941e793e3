using ActorJobs.Persistence.PostgreSql.Queries;
using ActorJobs.Persistence.Schema;
using Npgsql;

namespace ActorJobs.Persistence.PostgreSql;

/// <summary>
/// Brings a database's schema up to date: the journal's steps (embedded <c>Migrations/*.sql</c>) and the projections'
/// steps, each recorded in <c>schema_version</c>, all in one transaction under an advisory lock, so nodes that start
/// together take turns and the later ones find the work done.
/// </summary>
public static class PostgreSqlSchema
{
    /// <summary>The module name of the journal's own steps in <c>schema_version</c>.</summary>
    public const string JournalModule = "journal";

    private static readonly IReadOnlyList<SchemaMigration> JournalMigrations =
        SchemaMigration.FromEmbeddedResources(typeof(PostgreSqlSchema).Assembly, "ActorJobs.Persistence.PostgreSql.Migrations.", JournalModule);

    /// <summary>Applies the pending steps.</summary>
    /// <param name="options">The database and its projections.</param>
    /// <param name="cancellationToken">Cancels the migration (nothing of it is kept).</param>
    /// <exception cref="InvalidOperationException">The database is unreachable, a step failed, or the schema is newer than this build.</exception>
    public static async Task MigrateAsync(PostgreSqlPersistenceOptions options, CancellationToken cancellationToken = default)
    {
        await using var dataSource = PostgreSqlDataSources.Create(options);
        try
        {
            await ApplyPendingAsync(dataSource, options, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException(
                $"Could not migrate the ActorJobs schema on PostgreSQL at {PostgreSqlDataSources.Describe(dataSource)}: {e.Message}", e);
        }
    }

    private static async Task ApplyPendingAsync(NpgsqlDataSource dataSource, PostgreSqlPersistenceOptions options, CancellationToken cancellationToken)
    {
        var migrations = JournalMigrations.Concat(options.Projections.SelectMany(projection => projection.Migrations)).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The lock comes first: even CREATE TABLE IF NOT EXISTS races when two nodes run it at once.
        await ExecuteAsync(connection, SchemaQueries.LockMigrations, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, SchemaQueries.CreateSchemaVersionTable, cancellationToken).ConfigureAwait(false);

        var applied = new HashSet<(string Module, int Version)>();
        await using (var select = new NpgsqlCommand(SchemaQueries.SelectAppliedVersions, connection))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add((reader.GetString(0), reader.GetInt32(1)));
            }
        }

        foreach (var module in applied.GroupBy(step => step.Module))
        {
            var known = migrations.Where(migration => migration.Module == module.Key).Select(migration => migration.Version).DefaultIfEmpty(0).Max();
            var stored = module.Max(step => step.Version);
            if (known > 0 && stored > known)
            {
                throw new InvalidOperationException(
                    $"The database's schema for '{module.Key}' is at version {stored}, newer than this build knows ({known}). Upgrade ActorJobs before connecting it.");
            }
        }

        foreach (var migration in migrations.Where(migration => !applied.Contains((migration.Module, migration.Version))))
        {
            try
            {
                await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                throw new InvalidOperationException(
                    $"Schema migration {migration.Module} v{migration.Version} ({migration.Description}) failed on PostgreSQL: {e.Message}", e);
            }

            await using var record = new NpgsqlCommand(SchemaQueries.InsertAppliedVersion, connection);
            record.Parameters.AddWithValue("module", migration.Module);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("description", migration.Description);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
#pragma warning disable CA2100 // Named queries and shipped migration text only; no values are formatted in.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
