using ActorJobs.Persistence.Schema;
using Npgsql;

namespace ActorJobs.Persistence.PostgreSql.Projections;

/// <summary>
/// A read model that PostgreSQL updates in the same transaction as the events (for jobs: the job row), so a query
/// or a claim never sees a row that disagrees with the journal. Derive from <see cref="PostgreSqlProjection{TUpdate}"/>.
/// </summary>
public abstract class PostgreSqlProjection
{
    private protected PostgreSqlProjection()
    {
    }

    /// <summary>The projection-update type this projection applies.</summary>
    public abstract Type UpdateType { get; }

    /// <summary>The projection's own schema steps (its tables), applied with the journal's.</summary>
    public virtual IReadOnlyList<SchemaMigration> Migrations => [];

    internal abstract void AddCommands(NpgsqlBatch batch, IReadOnlyList<object> updates);
}

/// <summary>
/// Applies updates of type <typeparamref name="TUpdate"/> inside the journal's write transaction by adding commands
/// to the batch that inserts the events, so events and read model travel in one round trip. It receives every
/// update of its type from the batch's accepted writes at once, in write order, and should write them with as
/// few statements as it can (for example one <c>unnest</c> upsert). Updates of rejected writes never reach it.
/// A failing command (a constraint violation, say) aborts the transaction: every write of the batch fails and
/// none is acknowledged.
/// </summary>
/// <typeparam name="TUpdate">The update type, for example a job row.</typeparam>
public abstract class PostgreSqlProjection<TUpdate> : PostgreSqlProjection
    where TUpdate : notnull
{
    /// <inheritdoc />
    public sealed override Type UpdateType => typeof(TUpdate);

    /// <summary>Adds the commands that apply <paramref name="updates"/>.</summary>
    /// <param name="batch">The batch that already holds the event insert; add <see cref="NpgsqlBatchCommand"/>s to it.</param>
    /// <param name="updates">This batch's updates of the type, in write order; never empty.</param>
    protected abstract void AddCommands(NpgsqlBatch batch, IReadOnlyList<TUpdate> updates);

    internal sealed override void AddCommands(NpgsqlBatch batch, IReadOnlyList<object> updates)
    {
        var typed = new TUpdate[updates.Count];
        for (var i = 0; i < typed.Length; i++)
        {
            typed[i] = (TUpdate)updates[i];
        }

        AddCommands(batch, typed);
    }
}
