using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql;
using ActorJobs.Persistence.Snapshots;
using ActorJobs.Persistence.Sqlite;
using Npgsql;

namespace ActorJobs.Bench.Persistence;

/// <summary>A fresh, empty journal of one backend for one run, and its removal afterwards.</summary>
internal abstract class BenchStore : IAsyncDisposable
{
    public abstract string Name { get; }

    public abstract IJournal Journal { get; }

    public abstract ISnapshotStore SnapshotStore { get; }

    /// <summary>The database server's main process, whose CPU the phases report; null when the store runs in this process.</summary>
    public virtual int? ServerPid => null;

    public abstract ValueTask DisposeAsync();

    public static async Task<BenchStore> CreateAsync(string backend) => backend switch
    {
        "sqlite" => new SqliteBenchStore(),
        "postgresql" => await PostgresBenchStore.CreateAsync(),
        _ => throw new ArgumentException($"Unknown backend '{backend}': use sqlite or postgresql."),
    };

    private sealed class SqliteBenchStore : BenchStore
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), $"actorjobs-bench-{Guid.NewGuid():N}");
        private readonly SqliteJournal _journal;
        private readonly SqliteSnapshotStore _snapshots;

        public SqliteBenchStore()
        {
            Directory.CreateDirectory(_directory);

            // Synchronous = Full: the durable default the target is set for.
            var options = new SqlitePersistenceOptions
            {
                ConnectionString = $"Data Source={Path.Combine(_directory, "bench.db")}",
                Synchronous = SqliteSynchronousMode.Full,
            };
            _journal = SqliteJournal.Open(options);
            _snapshots = SqliteSnapshotStore.Open(options);
        }

        public override string Name => "SQLite (synchronous=FULL, WAL)";

        public override IJournal Journal => _journal;

        public override ISnapshotStore SnapshotStore => _snapshots;

        public override ValueTask DisposeAsync()
        {
            _snapshots.Dispose();
            _journal.Dispose();
            Directory.Delete(_directory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresBenchStore(string connectionString, string schema, PostgreSqlJournal journal, PostgreSqlSnapshotStore snapshots, int? postmasterPid) : BenchStore
    {
        public override string Name => "PostgreSQL (fsync=on, synchronous_commit=on)";

        public override int? ServerPid => postmasterPid;

        public override IJournal Journal => journal;

        public override ISnapshotStore SnapshotStore => snapshots;

        public static async Task<BenchStore> CreateAsync()
        {
            var server = Environment.GetEnvironmentVariable("ACTORJOBS_TEST_POSTGRES")
                ?? throw new InvalidOperationException("ACTORJOBS_TEST_POSTGRES is not set: run the benchmark through scripts/with-postgres.sh.");
            var schema = $"bench_{Guid.NewGuid():N}";
            await ExecuteAsync(server, $"CREATE SCHEMA {schema}");
            // Recovery holds at most 50 connections in use (MaxConcurrentRecoveries), but the journal and the snapshot
            // store have a pool each, and each keeps what it opened: uncapped they reach 50 + 50 and the server
            // (max_connections 100, 3 kept for superusers) answers 53300 too many clients. 40 each stays under it.
            var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema, MaxPoolSize = 40 }.ConnectionString;
            var options = new PostgreSqlPersistenceOptions { ConnectionString = connectionString };
            var journal = await PostgreSqlJournal.OpenAsync(options);
            await CheckDurableAsync(server);
            return new PostgresBenchStore(server, schema, journal, new PostgreSqlSnapshotStore(options), await PostmasterPidAsync(server));
        }

        public override async ValueTask DisposeAsync()
        {
            await snapshots.DisposeAsync();
            await journal.DisposeAsync();
            await ExecuteAsync(connectionString, $"DROP SCHEMA {schema} CASCADE");
        }

        private static async Task CheckDurableAsync(string server)
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            foreach (var setting in new[] { "fsync", "synchronous_commit" })
            {
                await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
                if (await show.ExecuteScalarAsync() as string != "on")
                {
                    throw new InvalidOperationException($"PostgreSQL runs with {setting} off; the benchmark measures durable commits only.");
                }
            }
        }

        // The parent of this session's backend process; null when the server is not on this machine's /proc.
        private static async Task<int?> PostmasterPidAsync(string server)
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            var backend = (int)(await command.ExecuteScalarAsync())!;
            var stat = $"/proc/{backend}/stat";
            if (!File.Exists(stat))
            {
                return null;
            }

            var text = await File.ReadAllTextAsync(stat);
            return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        private static async Task ExecuteAsync(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
#pragma warning disable CA2100 // Schema names made here from a GUID; no outside input.
            await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync();
        }
    }
}
