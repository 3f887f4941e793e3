using ActorJobs.Jobs.Conformance;
using ActorJobs.Jobs.Sqlite.Tests.Support;

namespace ActorJobs.Jobs.Sqlite.Tests;

public sealed class SqliteJobIndexConformanceTests : JobIndexConformanceTests
{
    protected override Task<JobIndexUnderTest> CreateBackendAsync() => Task.FromResult<JobIndexUnderTest>(new SqliteJobsFile());
}
