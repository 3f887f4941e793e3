using ActorJobs.Persistence.Schema;

namespace ActorJobs.Persistence.Sqlite.Projections;

/// <summary>
/// A read model that SQLite updates in the same transaction as the events (for jobs: the job row), so a query never
/// sees a row that disagrees with the journal. Derive from <see cref="SqliteProjection{TUpdate}"/>.
/// </summary>
public abstract class SqliteProjection
{
    private protected SqliteProjection()
    {
    }

    /// <summary>The projection-update type this projection applies.</summary>
    public abstract Type UpdateType { get; }

    /// <summary>The projection's own schema steps (its tables), applied at startup with the journal's.</summary>
    public virtual IReadOnlyList<SchemaMigration> Migrations => [];

    internal abstract void Apply(SqliteProjectionContext context, object update);
}

/// <summary>
/// Applies updates of type <typeparamref name="TUpdate"/>, carried by atomic writes, inside the journal's write
/// transaction. Updates of a rejected write are never applied. An exception here (including a constraint
/// violation) rolls back the whole batch: every write in it fails, none is acknowledged.
/// </summary>
/// <typeparam name="TUpdate">The update type, for example a job row.</typeparam>
public abstract class SqliteProjection<TUpdate> : SqliteProjection
    where TUpdate : notnull
{
    /// <inheritdoc />
    public sealed override Type UpdateType => typeof(TUpdate);

    /// <summary>Applies one update; updates run in the order of their writes within the batch.</summary>
    /// <param name="context">Gives commands bound to the writer's transaction.</param>
    /// <param name="update">The update.</param>
    protected abstract void Apply(SqliteProjectionContext context, TUpdate update);

    internal sealed override void Apply(SqliteProjectionContext context, object update) => Apply(context, (TUpdate)update);
}
