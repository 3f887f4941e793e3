using System.Text.Json;

namespace ActorJobs.Cli.Tests;

/// <summary>A node with API keys: no key or a wrong one is exit 5; a tenant does not see another tenant's job.</summary>
public sealed class AuthTests(KeyedNodeFixture node) : IClassFixture<KeyedNodeFixture>
{
    [Fact]
    public async Task Without_a_key_or_with_a_wrong_one_the_command_exits_5()
    {
        var none = await node.RunAsync("list");
        Assert.True(none.ExitCode == ExitCodes.Auth, none.ToString());
        Assert.Contains("HTTP 401", none.Error, StringComparison.Ordinal);

        var wrong = await node.RunAsync("list", "--api-key", "not-a-key");
        Assert.True(wrong.ExitCode == ExitCodes.Auth, wrong.ToString());
    }

    [Fact]
    public async Task The_key_comes_from_the_option_or_the_environment()
    {
        var option = await node.RunAsync("stats", "--api-key", KeyedNodeFixture.AdminKey);
        Assert.True(option.ExitCode == ExitCodes.Ok, option.ToString());

        var environment = await Cli.RunAsync(new Dictionary<string, string> { ["ACTORJOBS_API_KEY"] = KeyedNodeFixture.AdminKey, ["ACTORJOBS_URL"] = node.Url }, "stats");
        Assert.True(environment.ExitCode == ExitCodes.Ok, environment.ToString());
    }

    [Fact]
    public async Task A_tenant_key_cannot_see_a_job_of_another_tenant_nor_pause_a_queue()
    {
        var submit = await node.RunAsync("submit", "noop", "--api-key", KeyedNodeFixture.AdminKey, "--json");
        Assert.True(submit.ExitCode == ExitCodes.Ok, submit.ToString());
        var id = JsonDocument.Parse(submit.Out).RootElement.GetProperty("id").GetString()!;

        var show = await node.RunAsync("show", id, "--api-key", KeyedNodeFixture.TenantKey);
        Assert.True(show.ExitCode == ExitCodes.NotFound, show.ToString());

        var pause = await node.RunAsync("queues", "pause", "maintenance", "--api-key", KeyedNodeFixture.TenantKey);
        Assert.True(pause.ExitCode == ExitCodes.Auth, pause.ToString());
    }
}
