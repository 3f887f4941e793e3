namespace ActorJobs.Persistence.Journal;

/// <summary>Indexes a backend's projections by the update type each applies; every update type has exactly one.</summary>
internal static class ProjectionIndex
{
    /// <summary>Builds the index, naming both projections when two claim the same update type.</summary>
    /// <param name="projections">The projections configured for the backend.</param>
    /// <param name="updateTypeOf">The update type a projection applies.</param>
    /// <param name="backend">The backend's name for the error message, e.g. "SQLite".</param>
    /// <exception cref="ArgumentException">Two projections apply the same update type.</exception>
    public static IReadOnlyDictionary<Type, TProjection> ByUpdateType<TProjection>(
        IEnumerable<TProjection> projections, Func<TProjection, Type> updateTypeOf, string backend)
        where TProjection : class
    {
        var byType = new Dictionary<Type, TProjection>();
        foreach (var projection in projections)
        {
            var updateType = updateTypeOf(projection);
            if (!byType.TryAdd(updateType, projection))
            {
                throw new ArgumentException(
                    $"Two {backend} projections apply {updateType.Name}: {byType[updateType].GetType().Name} and {projection.GetType().Name}. Each update type has one projection.",
                    nameof(projections));
            }
        }

        return byType;
    }
}
