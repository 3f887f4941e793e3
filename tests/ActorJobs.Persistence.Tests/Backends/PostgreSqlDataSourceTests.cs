using ActorJobs.Persistence.PostgreSql;
using Npgsql;

namespace ActorJobs.Persistence.Tests.Backends;

/// <summary>The settings the stores add to a connection string, and that a connection string's own choice wins.</summary>
public sealed class PostgreSqlDataSourceTests
{
    [Fact]
    public async Task Pooled_connections_are_not_reset_on_reuse_unless_the_connection_string_asks_for_it()
    {
        Assert.True(await NoResetOnCloseOf("Host=localhost;Database=jobs"));
        Assert.False(await NoResetOnCloseOf("Host=localhost;Database=jobs;No Reset On Close=false"));
        Assert.False(await NoResetOnCloseOf("Host=localhost;Database=jobs;NoResetOnClose=false"));
    }

    [Fact]
    public async Task Statements_are_prepared_automatically_unless_the_connection_string_sets_a_number()
    {
        Assert.Equal(16, await MaxAutoPrepareOf("Host=localhost;Database=jobs"));
        Assert.Equal(4, await MaxAutoPrepareOf("Host=localhost;Database=jobs;Max Auto Prepare=4"));
    }

    private static async Task<bool> NoResetOnCloseOf(string connectionString) =>
        (await BuilderOf(connectionString)).NoResetOnClose;

    private static async Task<int> MaxAutoPrepareOf(string connectionString) =>
        (await BuilderOf(connectionString)).MaxAutoPrepare;

    private static async Task<NpgsqlConnectionStringBuilder> BuilderOf(string connectionString)
    {
        await using var dataSource = PostgreSqlDataSources.Create(new PostgreSqlPersistenceOptions { ConnectionString = connectionString });
        return new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
    }
}
