using System.Globalization;
using ActorJobs.Persistence.Schema;
using ActorJobs.Persistence.Sqlite.Projections;
using ActorJobs.Persistence.Sqlite.Queries;
using Microsoft.Data.Sqlite;

namespace ActorJobs.Persistence.Sqlite;

/// <summary>
/// Brings a file's schema up to date at startup: the journal's steps (embedded <c>Migrations/*.sql</c>) and the
/// projections' steps, each recorded in <c>schema_version</c>. Pending steps run in one <c>BEGIN IMMEDIATE</c>
/// transaction, so two processes starting together take turns and the second finds the work done.
/// </summary>
internal static class SqliteSchemaMigrator
{
    public const string JournalModule = "journal";

    private static readonly IReadOnlyList<SchemaMigration> JournalMigrations =
        SchemaMigration.FromEmbeddedResources(typeof(SqliteSchemaMigrator).Assembly, "ActorJobs.Persistence.Sqlite.Migrations.", JournalModule);

    public static void Migrate(SqliteConnection connection, IEnumerable<SqliteProjection> projections)
    {
        var migrations = JournalMigrations.Concat(projections.SelectMany(projection => projection.Migrations)).ToList();
        EnsureWal(connection);

        // Reading first lets an up-to-date file open without the write lock (and read-only).
        var applied = ReadApplied(connection);
        if (migrations.All(migration => applied.Contains((migration.Module, migration.Version))))
        {
            CheckNotNewer(applied, migrations);
            return;
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, SchemaQueries.CreateSchemaVersionTable);
        applied = ReadApplied(connection, transaction);
        CheckNotNewer(applied, migrations);
        foreach (var migration in migrations)
        {
            if (applied.Contains((migration.Module, migration.Version)))
            {
                continue;
            }

            try
            {
                Execute(connection, transaction, migration.Sql);
            }
            catch (SqliteException e)
            {
                throw new InvalidOperationException(
                    $"Schema migration {migration.Module} v{migration.Version} ({migration.Description}) failed on SQLite: {e.Message}", e);
            }

            using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = SchemaQueries.InsertAppliedVersion;
            record.Parameters.AddWithValue("$module", migration.Module);
            record.Parameters.AddWithValue("$version", migration.Version);
            record.Parameters.AddWithValue("$description", migration.Description);
            record.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static void EnsureWal(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = SchemaQueries.SelectJournalMode;
        if (string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        command.CommandText = SchemaQueries.SetPageSize;
        command.ExecuteNonQuery();
        command.CommandText = SchemaQueries.EnableWal;
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL mode for '{connection.DataSource}' (it stays in '{mode}' mode).");
        }
    }

    private static HashSet<(string Module, int Version)> ReadApplied(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        var applied = new HashSet<(string, int)>();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = SchemaQueries.SchemaVersionTableExists;
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
        {
            return applied;
        }

        command.CommandText = SchemaQueries.SelectAppliedVersions;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            applied.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return applied;
    }

    private static void CheckNotNewer(HashSet<(string Module, int Version)> applied, List<SchemaMigration> known)
    {
        foreach (var (module, version) in applied)
        {
            var knownVersions = known.Where(migration => migration.Module == module).ToList();
            if (knownVersions.Count > 0 && version > knownVersions.Max(migration => migration.Version))
            {
                throw new InvalidOperationException(
                    $"The database's schema for '{module}' is at version {version}, newer than this build knows ({knownVersions.Max(migration => migration.Version)}). Upgrade ActorJobs before opening it.");
            }
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Migration text is shipped with the assembly, never built from values.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.ExecuteNonQuery();
    }
}
