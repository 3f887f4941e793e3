using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.PostgreSql.Queries;
using Npgsql;

namespace ActorJobs.Persistence.PostgreSql;

/// <summary>
/// Whole-history replays of different entities that wait at the same time share one query, a few queries at a
/// time: an entity that asks while they are all running joins the next one. Group commit leaves each entity's events one per
/// heap page, next to the other entities of the same commit, so one query over many entities reads each such page
/// once where a query per entity reads it once per entity it holds.
/// </summary>
/// <remarks>
/// A query returns at most <see cref="MaxEventsPerQuery"/> events in sequence-number order across its entities. When
/// it is cut there, every entity has had a gapless prefix of its history (all its events below the cut's number, and
/// perhaps the one at it), and its caller asks again from its last event on.
/// </remarks>
internal sealed class PostgreSqlReplayGroups(NpgsqlDataSource dataSource)
{
    private readonly Lock _lock = new();
    private readonly List<ReplayRequest> _waiting = [];
    private int _queriesRunning;

    /// <summary>
    /// How many group queries run at once: with one, the server idles while the callers apply what it read; with
    /// three, the persistence bench's groups were smaller and its server CPU per replayed event higher than with two.
    /// </summary>
    public int MaxQueriesAtOnce { get; init; } = 2;

    /// <summary>The most entities one query reads.</summary>
    public int MaxEntitiesPerQuery { get; init; } = 100;

    /// <summary>The most events one query returns (and holds in memory until its callers take them).</summary>
    public int MaxEventsPerQuery { get; init; } = 20_000;

    /// <summary>
    /// The entity's events from <paramref name="fromSequenceNr"/> on, skipping deleted ones: all of them, or a
    /// gapless first part of them when <see cref="ReplayChunk.IsComplete"/> is false.
    /// </summary>
    public Task<ReplayChunk> ReadAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        var request = new ReplayRequest(persistenceId, fromSequenceNr);
        bool startQuerying;
        lock (_lock)
        {
            _waiting.Add(request);
            startQuerying = _queriesRunning < MaxQueriesAtOnce;
            if (startQuerying)
            {
                _queriesRunning++;
            }
        }

        if (startQuerying)
        {
            _ = Task.Run(QueryWhileWaitingAsync, CancellationToken.None);
        }

        // A cancelled caller stops waiting; its entity is still read with the group it is in.
        return request.Task.WaitAsync(cancellationToken);
    }

    private async Task QueryWhileWaitingAsync()
    {
        while (true)
        {
            Dictionary<string, ReplayRequest> group;
            lock (_lock)
            {
                group = TakeGroupLocked();
                if (group.Count == 0)
                {
                    _queriesRunning--;
                    return;
                }
            }

            try
            {
                await QueryAsync(group).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var request in group.Values)
                {
                    request.TrySetException(e);
                }
            }
        }
    }

    /// <summary>The oldest waiting requests, one per entity (a second replay of an entity waits for the next group).</summary>
    private Dictionary<string, ReplayRequest> TakeGroupLocked()
    {
        var group = new Dictionary<string, ReplayRequest>(Math.Min(_waiting.Count, MaxEntitiesPerQuery), StringComparer.Ordinal);
        var kept = 0;
        for (var i = 0; i < _waiting.Count; i++)
        {
            var request = _waiting[i];
            if (group.Count < MaxEntitiesPerQuery && group.TryAdd(request.PersistenceId, request))
            {
                continue;
            }

            _waiting[kept++] = request;
        }

        _waiting.RemoveRange(kept, _waiting.Count - kept);
        return group;
    }

    private async Task QueryAsync(Dictionary<string, ReplayRequest> group)
    {
        var persistenceIds = new string[group.Count];
        var fromSequenceNr = long.MaxValue;
        var i = 0;
        foreach (var request in group.Values)
        {
            persistenceIds[i++] = request.PersistenceId;
            fromSequenceNr = Math.Min(fromSequenceNr, request.FromSequenceNr);
        }

        var read = 0;
        await using (var command = dataSource.CreateCommand(JournalQueries.SelectEventsOfEntities))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("persistence_ids", persistenceIds));
            command.Parameters.Add(new NpgsqlParameter<long>("from_sequence_nr", fromSequenceNr));
            command.Parameters.Add(new NpgsqlParameter<int>("max", MaxEventsPerQuery));
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                read++;
                var request = group[reader.GetString(0)];
                var sequenceNr = reader.GetInt64(1);
                if (sequenceNr < request.FromSequenceNr)
                {
                    // Another entity of the group asked from an earlier number.
                    continue;
                }

                request.Events.Add(new StoredEvent(
                    request.PersistenceId,
                    sequenceNr,
                    reader.GetString(2),
                    reader.GetFieldValue<byte[]>(3),
                    reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    StoredTags.Decode(reader.IsDBNull(6) ? null : reader.GetString(6))));
            }
        }

        var complete = read < MaxEventsPerQuery;
        foreach (var request in group.Values)
        {
            request.TrySetResult(new ReplayChunk(request.Events, complete));
        }
    }

    /// <summary>One caller's replay, waiting for its group's query.</summary>
    private sealed class ReplayRequest(string persistenceId, long fromSequenceNr)
        : TaskCompletionSource<ReplayChunk>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public string PersistenceId { get; } = persistenceId;

        public long FromSequenceNr { get; } = fromSequenceNr;

        public List<StoredEvent> Events { get; } = [];
    }
}

/// <summary>Events of one entity from one group query, in sequence order.</summary>
/// <param name="Events">The events read.</param>
/// <param name="IsComplete">False when the query was cut short: ask again from after the last event.</param>
internal readonly record struct ReplayChunk(List<StoredEvent> Events, bool IsComplete);
