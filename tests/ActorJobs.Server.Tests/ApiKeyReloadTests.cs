using System.Net;
using ActorJobs.Server.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Server.Tests;

/// <summary>
/// API keys replaced without a restart when the configuration is read again (as SIGHUP does): a removed key is refused
/// at once, a new one works; a reload with an unusable entry, or with no keys at all, changes nothing and says why.
/// </summary>
public sealed class ApiKeyReloadTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"server-keys-{Guid.NewGuid():N}.json");
    private readonly string _first = "first-" + Guid.NewGuid().ToString("N");
    private readonly string _second = "second-" + Guid.NewGuid().ToString("N");
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        await WriteKeysAsync(("ops", ApiKeySettings.HashOf(_first)));
        _server = new ApiServer(withKeys: false, extraArgs: ["--config", _file]);
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_file);
    }

    [Fact]
    public async Task A_reload_puts_the_new_keys_in_use_and_refuses_the_removed_ones_at_once()
    {
        using var first = _server.NewClient(_first);
        using var second = _server.NewClient(_second);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("jobs")).StatusCode);

        await WriteKeysAsync(("ops-2", ApiKeySettings.HashOf(_second)));
        Reload();

        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("jobs")).StatusCode);
        Assert.Contains(_server.Logs.Lines, l => l.Message == "API keys reloaded: 1 key(s) in use");
        Assert.DoesNotContain(_server.Logs.Lines, l => l.Message.Contains(_second, StringComparison.Ordinal) || l.Message.Contains(ApiKeySettings.HashOf(_second), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_with_an_unusable_entry_keeps_the_keys_in_use_and_names_the_entry()
    {
        await WriteKeysAsync(("ops", ApiKeySettings.HashOf(_first)), ("broken", "not-a-hash"));
        Reload();

        using var first = _server.NewClient(_first);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("jobs")).StatusCode);
        Assert.Contains(_server.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("ActorJobs:Server:ApiKeys:1:Sha256", StringComparison.Ordinal) && l.Message.Contains("1 key(s) in use stay in use", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_that_would_leave_no_keys_keeps_the_keys_in_use()
    {
        await File.WriteAllTextAsync(_file, """{"ActorJobs":{"Server":{"Port":1}}}""");
        Reload();

        using var first = _server.NewClient(_first);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Anonymous.GetAsync("jobs")).StatusCode);
        Assert.Contains(_server.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("every caller as an admin", StringComparison.Ordinal));
    }

    /// <summary>Reads the configuration again, as the node does on SIGHUP; the keys are replaced before this returns.</summary>
    private void Reload() => ((IConfigurationRoot)_server.App.Configuration).Reload();

    private Task WriteKeysAsync(params (string Name, string Sha256)[] keys) =>
        File.WriteAllTextAsync(_file, System.Text.Json.JsonSerializer.Serialize(new
        {
            ActorJobs = new { Server = new { ApiKeys = keys.Select(k => new { k.Name, k.Sha256, Role = "admin" }).ToArray() } },
        }));
}
