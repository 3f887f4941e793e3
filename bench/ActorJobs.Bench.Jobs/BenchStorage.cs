using ActorJobs.Actors;
using ActorJobs.Jobs.PostgreSql;
using ActorJobs.Jobs.Sqlite;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Sqlite;
using Npgsql;

namespace ActorJobs.Bench.Jobs;

/// <summary>
/// A fresh, empty job storage of one backend for one run: its <see cref="Store"/>, how to make it an actor system's
/// persistence, and its removal afterwards. A backend is one subclass and one line in <see cref="OpenAsync"/>.
/// </summary>
internal abstract class BenchStorage : IAsyncDisposable
{
    public static IReadOnlyList<string> Backends { get; } = ["sqlite", "postgresql"];

    public abstract string Name { get; }

    public abstract JobStore Store { get; }

    /// <summary>The database server's postmaster on this machine, whose CPU the phases add to their cost; null for SQLite.</summary>
    public virtual int? ServerPid => null;

    public abstract void UseOn(ActorSystem system);

    public abstract ValueTask DisposeAsync();

    public static Task<BenchStorage> OpenAsync(string backend) => backend switch
    {
        "sqlite" => Task.FromResult<BenchStorage>(new SqliteBench()),
        "postgresql" => PostgresBench.OpenAsync(),
        _ => throw new ArgumentException($"Unknown or unavailable backend '{backend}': use {string.Join(", ", Backends)}."),
    };

    /// <summary>SQLite with the durable defaults of <see cref="SqliteJobStorage.Open(string, TimeProvider?)"/>: WAL, synchronous=FULL.</summary>
    private sealed class SqliteBench : BenchStorage
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), $"actorjobs-jobs-bench-{Guid.NewGuid():N}");
        private readonly SqliteJobStorage _storage;

        public SqliteBench()
        {
            Directory.CreateDirectory(_directory);
            _storage = SqliteJobStorage.Open(Path.Combine(_directory, "jobs.db"));
        }

        public override string Name => "SQLite (WAL, synchronous=FULL)";

        public override JobStore Store => _storage.Store;

        public override void UseOn(ActorSystem system) => _storage.UseOn(system);

        public override async ValueTask DisposeAsync()
        {
            await _storage.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>
    /// PostgreSQL on a fresh schema of the server that scripts/with-postgres.sh started (fsync and synchronous_commit
    /// on, checked), through <see cref="PostgreSqlJobStorage"/> as a node opens it.
    /// </summary>
    private sealed class PostgresBench(string server, string schema, PostgreSqlJobStorage storage, int? postmasterPid) : BenchStorage
    {
        public override string Name => "PostgreSQL (fsync=on, synchronous_commit=on)";

        public override int? ServerPid => postmasterPid;

        public override JobStore Store => storage.Store;

        public static async Task<BenchStorage> OpenAsync()
        {
            var server = Environment.GetEnvironmentVariable("ACTORJOBS_TEST_POSTGRES")
                ?? throw new InvalidOperationException("ACTORJOBS_TEST_POSTGRES is not set: run the benchmark through scripts/with-postgres.sh.");
            int? postmasterPid;
            await using (var connection = new NpgsqlConnection(server))
            {
                await connection.OpenAsync();
                await using (var backend = new NpgsqlCommand("SELECT pg_backend_pid()", connection))
                {
                    postmasterPid = ServerCpu.ParentOf((int)(await backend.ExecuteScalarAsync())!);
                }

                foreach (var setting in new[] { "fsync", "synchronous_commit" })
                {
                    await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
                    if (await show.ExecuteScalarAsync() as string != "on")
                    {
                        throw new InvalidOperationException($"PostgreSQL runs with {setting} off; the benchmark measures durable commits only.");
                    }
                }
            }

            var schema = $"jobs_bench_{Guid.NewGuid():N}";
            await ExecuteAsync(server, $"CREATE SCHEMA {schema}");
            var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema, MaxPoolSize = 40 }.ConnectionString;
            return new PostgresBench(server, schema, await PostgreSqlJobStorage.OpenAsync(connectionString), postmasterPid);
        }

        public override void UseOn(ActorSystem system) => storage.UseOn(system);

        public override async ValueTask DisposeAsync()
        {
            await storage.DisposeAsync();
            await ExecuteAsync(server, $"DROP SCHEMA {schema} CASCADE");
        }

        private static async Task ExecuteAsync(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
