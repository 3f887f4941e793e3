using ActorJobs.Client.Contracts;
using ActorJobs.Jobs.Actors;

namespace ActorJobs.Server.Mapping;

/// <summary>Queues and workers as the API shows them.</summary>
internal static class QueueMapping
{
    public static QueueDto ToDto(this QueueStatus status, long waiting, bool withWorkers, IReadOnlyList<QueuePositionDto> positions) =>
        new(status.Name, status.Capacity, status.Paused, status.Running, waiting,
            withWorkers ? [.. status.Workers.Select(ToDto)] : [], positions);

    public static WorkerDto ToDto(this WorkerStatus worker) =>
        new(worker.Name, worker.State, worker.CurrentJob, worker.Since, worker.StartedAt, worker.Completed, worker.Failed, worker.BusyFraction);
}
