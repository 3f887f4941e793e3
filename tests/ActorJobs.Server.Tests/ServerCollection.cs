namespace ActorJobs.Server.Tests;

/// <summary>The API test classes share one node; each works in its own tenant, queue or job ids, so they do not meet.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ApiServer>
{
    public const string Name = "api server";
}
