using ActorJobs.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ActorJobs.Cli.Tests;

/// <summary>A real node in this process: the REST API on a free loopback port over a temp SQLite file.</summary>
public class NodeFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"cli-tests-{Guid.NewGuid():N}");
    private WebApplication? _app;

    public string Url { get; private set; } = "";

    /// <summary>Extra configuration of this node (command-line form).</summary>
    protected virtual IEnumerable<string> Settings => [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--ActorJobs:Storage:Path={Path.Combine(_directory, "node.db")}",
            "--ActorJobs:ProcessJobTypes:echo:Executable=/bin/echo",
            "--ActorJobs:ProcessJobTypes:fail:Executable=/bin/false",
            "--Logging:LogLevel:Default=Warning",
            .. Settings,
        ];
        _app = ActorJobsServer.Build(args);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Url = addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs the command against this node (--url added).</summary>
    public Task<CliRun> RunAsync(params string[] args) => Cli.RunAsync(null, [.. args, "--url", Url]);
}

/// <summary>A node that requires API keys: "admin-key" (admin) and "tenant-key" (tenant acme).</summary>
public sealed class KeyedNodeFixture : NodeFixture
{
    public const string AdminKey = "admin-key-for-cli-tests";
    public const string TenantKey = "tenant-key-for-cli-tests";

    protected override IEnumerable<string> Settings =>
    [
        "--ActorJobs:Server:ApiKeys:0:Name=admin",
        $"--ActorJobs:Server:ApiKeys:0:Sha256={Sha256(AdminKey)}",
        "--ActorJobs:Server:ApiKeys:0:Role=admin",
        "--ActorJobs:Server:ApiKeys:1:Name=acme",
        $"--ActorJobs:Server:ApiKeys:1:Sha256={Sha256(TenantKey)}",
        "--ActorJobs:Server:ApiKeys:1:Tenant=acme",
        "--ActorJobs:Server:ApiKeys:1:Role=tenant",
        // With keys the node would listen on every interface; the test keeps it on loopback.
    ];

    private static string Sha256(string key) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}
