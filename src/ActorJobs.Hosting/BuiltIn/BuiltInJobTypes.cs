using ActorJobs.Jobs;

namespace ActorJobs.Hosting.BuiltIn;

/// <summary>The job types every standalone node has: <c>noop</c>, <c>sleep</c>, and the process job types declared in configuration.</summary>
public static class BuiltInJobTypes
{
    /// <summary>The id of the job type that does nothing and returns <c>{}</c>.</summary>
    public const string Noop = "noop";

    /// <summary>The id of the job type that waits <c>params.seconds</c>, reporting progress.</summary>
    public const string Sleep = "sleep";

    /// <summary>The group of <c>noop</c> and <c>sleep</c>: the default <c>maintenance</c> queue's group.</summary>
    public const string Group = "maintenance";

    internal static void AddTo(JobCatalogBuilder catalog, ActorJobsSettings settings, TimeProvider clock)
    {
        catalog.AddJobType(
            JobType.Define(Noop, Group, retry: RetryPolicy.None, paramsSchema: NoopJob.ParamsSchema, description: "Does nothing and returns {}: for trying a node out."),
            NoopJob.RunAsync);
        catalog.AddJobType(
            JobType.Define(Sleep, Group, retry: RetryPolicy.None, paramsSchema: SleepJob.ParamsSchema, description: "Waits params.seconds (at most a day), reporting progress about every second; cancellable."),
            context => SleepJob.RunAsync(context, clock));
        foreach (var type in settings.ProcessJobTypes.Values)
        {
            var key = $"{ActorJobsConfiguration.SectionName}:ProcessJobTypes:{type.Id}";
            try
            {
                catalog.AddJobType(
                    JobType.Define(type.Id, type.Group, timeout: type.Timeout, retry: RetryPolicy.None, paramsSchema: ProcessJob.ParamsSchema(type), description: $"Runs {type.Executable} with params.args as its argument list."),
                    new ProcessJob(type).RunAsync);
            }
            catch (JobValidationException e)
            {
                throw new ActorJobsConfigurationException(e.Field.EndsWith(".group", StringComparison.Ordinal) ? $"{key}:Group" : key, e.Problem, e);
            }
        }
    }
}
