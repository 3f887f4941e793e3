using ActorJobs.Jobs;
using ActorJobs.Jobs.Store;
using ActorJobs.Persistence.InMemory;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.TestKit;

/// <summary>
/// A job engine on a test's actor system with in-memory stores, so job handlers and the engine can be tested without a
/// database, on the TestKit's (virtual) clock.
/// </summary>
/// <param name="Engine">The engine.</param>
/// <param name="Persistence">The in-memory journal (with fault injection) and serializer.</param>
/// <param name="Index">The in-memory job rows.</param>
public sealed record InMemoryJobs(JobEngine Engine, InMemoryPersistence Persistence, InMemoryJobIndex Index);

/// <summary>Starts a job engine on a TestKit's system.</summary>
public static class InMemoryJobsExtensions
{
    /// <summary>
    /// Registers in-memory persistence on <see cref="TestKitBase.Sys"/> with the job events, and starts a job engine
    /// with <paramref name="catalog"/>. Call it once per test class instance.
    /// </summary>
    public static async Task<InMemoryJobs> StartInMemoryJobsAsync(this TestKitBase kit, JobCatalog catalog, JobEngineSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(kit);
        var persistence = kit.UseInMemoryPersistence(JobEventJson.CreateSerializer());
        var index = new InMemoryJobIndex(persistence.Journal);
        var store = new JobStore(persistence.Journal, index, persistence.Serializer);
        var engine = await JobEngine.StartAsync(kit.Sys, store, catalog, settings ?? new JobEngineSettings { NodeId = "test-node" }).ConfigureAwait(false);
        return new InMemoryJobs(engine, persistence, index);
    }
}
