using ActorJobs.Actors;
using ActorJobs.Jobs.Sqlite;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.Sqlite;

namespace ActorJobs.Bench.Jobs;

/// <summary>
/// A fresh, empty job storage of one backend for one run: its <see cref="Store"/>, how to make it an actor system's
/// persistence, and its removal afterwards. A backend is one subclass and one line in <see cref="OpenAsync"/>.
/// </summary>
internal abstract class BenchStorage : IAsyncDisposable
{
    public static IReadOnlyList<string> Backends { get; } = ["sqlite"];

    public abstract string Name { get; }

    public abstract JobStore Store { get; }

    public abstract void UseOn(ActorSystem system);

    public abstract ValueTask DisposeAsync();

    public static Task<BenchStorage> OpenAsync(string backend) => backend switch
    {
        "sqlite" => Task.FromResult<BenchStorage>(new SqliteBench()),

        // PostgreSQL: when ActorJobs.Jobs.PostgreSql lands, a PostgresBench opening PostgreSqlJobStorage on a fresh
        // database (as bench/ActorJobs.Bench.Persistence's BenchStore does) goes here and in Backends.
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
}
