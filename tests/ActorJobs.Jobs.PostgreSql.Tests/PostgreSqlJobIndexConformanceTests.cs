using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.PostgreSql.Tests.Support;

namespace ActorJobs.Jobs.PostgreSql.Tests;

/// <summary>The whole job index conformance suite on PostgreSQL, each test on a fresh schema.</summary>
public sealed class PostgreSqlJobIndexConformanceTests : JobIndexConformanceTests
{
    protected override async Task<JobIndexUnderTest> CreateBackendAsync() => await PostgresJobsSchema.CreateAsync();
}
