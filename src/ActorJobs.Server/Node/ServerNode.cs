using ActorJobs.Hosting;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Scheduler;

namespace ActorJobs.Server.Node;

/// <summary>The node the API serves: its engine, its scheduler, its id and storage, and its clock.</summary>
internal sealed class ServerNode(ActorJobsNode node)
{
    /// <summary>The job engine; 503 while the node starts or stops.</summary>
    public JobEngine Engine => Running().Engine;

    /// <summary>The cron scheduler, or null when the node runs none.</summary>
    public JobSchedules? Schedules => Running().Schedules;

    /// <summary>Whether the node has started and is not stopping.</summary>
    public bool IsRunning => node.IsRunning;

    /// <summary>The node's id.</summary>
    public string NodeId => node.NodeId;

    /// <summary>sqlite or postgresql.</summary>
    public string Storage => node.StorageProvider;

    /// <summary>The catalog of queues, groups and types.</summary>
    public JobCatalog Catalog => Engine.Catalog;

    /// <summary>The node's clock.</summary>
    public TimeProvider Clock => Engine.System.TimeProvider;

    /// <summary>The scheduler, or 503 when this node runs none.</summary>
    public JobSchedules RequireSchedules() =>
        Schedules ?? throw new Problems.ApiProblemException(
            StatusCodes.Status503ServiceUnavailable, Problems.ProblemKinds.Unavailable, "The scheduler is off.", "This node runs no scheduler (ActorJobs:Scheduler:Enabled is false).");

    private ActorJobsNode Running() =>
        node.IsRunning
            ? node
            : throw new Problems.ApiProblemException(
                StatusCodes.Status503ServiceUnavailable, Problems.ProblemKinds.Unavailable, "The node is not running.", "The node is starting or stopping; try again.");
}
