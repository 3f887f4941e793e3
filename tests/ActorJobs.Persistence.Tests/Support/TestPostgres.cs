using Npgsql;

namespace ActorJobs.Persistence.Tests.Support;

/// <summary>
/// The PostgreSQL server of a test run (from <c>scripts/with-postgres.sh</c>) and a fresh schema per test, so tests
/// and runs never see each other's rows.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "ACTORJOBS_TEST_POSTGRES";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set, so the PostgreSQL tests cannot run. Run the tests through scripts/with-postgres.sh " +
                "(for example: scripts/with-postgres.sh dotnet test tests/ActorJobs.Persistence.Tests), which starts a throwaway server and sets it.");

    /// <summary>Creates an empty schema and returns a connection string whose search path is that schema.</summary>
    public static async Task<string> CreateSchemaAsync()
    {
        var schema = $"test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
#pragma warning disable CA2100 // A schema name cannot be a parameter; this one is a GUID made here.
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
#pragma warning restore CA2100
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { SearchPath = schema }.ConnectionString;
    }

    /// <summary>Drops the schema of a connection string made by <see cref="CreateSchemaAsync"/>.</summary>
    public static async Task DropSchemaAsync(string connectionString)
    {
        var schema = new NpgsqlConnectionStringBuilder(connectionString).SearchPath;
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
#pragma warning restore CA2100
        await drop.ExecuteNonQueryAsync();
    }
}
