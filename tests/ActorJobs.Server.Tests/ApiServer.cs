using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorJobs.Hosting;
using ActorJobs.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ActorJobs.Server.Tests;

/// <summary>
/// A real node with its API on Kestrel at 127.0.0.1 on a free port, over a SQLite file in its own temporary directory,
/// built by <see cref="ActorJobsServer.Build"/> exactly as <c>actorjobs serve</c> builds it. Keys: <c>admin</c>
/// (admin, tenant default) and one tenant key each for alpha, beta, gamma and bad (the bad-input tests' tenant).
/// </summary>
public sealed class ApiServer : IAsyncLifetime, IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal)
    {
        ["admin"] = "admin-" + Guid.NewGuid().ToString("N"),
        ["alpha"] = "alpha-" + Guid.NewGuid().ToString("N"),
        ["beta"] = "beta-" + Guid.NewGuid().ToString("N"),
        ["gamma"] = "gamma-" + Guid.NewGuid().ToString("N"),
        ["bad"] = "bad-" + Guid.NewGuid().ToString("N"),
    };

    private readonly List<HttpClient> _clients = [];

    public ApiServer()
        : this(withKeys: true, extraArgs: [])
    {
    }

    internal ApiServer(bool withKeys, string[] extraArgs)
    {
        WithKeys = withKeys;
        ExtraArgs = extraArgs;
        Directory = Path.Combine(Path.GetTempPath(), $"server-tests-{Guid.NewGuid():N}");
    }

    public bool WithKeys { get; }

    public string[] ExtraArgs { get; }

    public string Directory { get; }

    public WebApplication App { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public TestJobTypes JobTypes { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public IJobClient JobClient => App.Services.GetRequiredService<IJobClient>();

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Alpha { get; private set; } = null!;

    public HttpClient Beta { get; private set; } = null!;

    public HttpClient Gamma { get; private set; } = null!;

    public HttpClient Bad { get; private set; } = null!;

    /// <summary>A client that sends no key.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public string KeyOf(string name) => _keys[name];

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            $"--ActorJobs:Storage:Path={Path.Combine(Directory, "jobs.db")}",
            "--ActorJobs:Node:Id=server-tests",
            "--ActorJobs:Server:HeartbeatSeconds=0.2",
        };
        if (WithKeys)
        {
            var i = 0;
            foreach (var (name, key) in _keys)
            {
                args.Add($"--ActorJobs:Server:ApiKeys:{i}:Name={name}");
                args.Add($"--ActorJobs:Server:ApiKeys:{i}:Sha256={ApiKeySettings.HashOf(key)}");
                args.Add($"--ActorJobs:Server:ApiKeys:{i}:Tenant={(name == "admin" ? "default" : name)}");
                args.Add($"--ActorJobs:Server:ApiKeys:{i}:Role={(name == "admin" ? "admin" : "tenant")}");
                i++;
            }
        }

        args.AddRange(ExtraArgs);
        App = ActorJobsServer.Build([.. args], b =>
        {
            JobTypes.Register(b);
            b.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(Logs);
        });
        await App.StartAsync();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        Admin = NewClient(_keys["admin"]);
        Alpha = NewClient(_keys["alpha"]);
        Beta = NewClient(_keys["beta"]);
        Gamma = NewClient(_keys["gamma"]);
        Bad = NewClient(_keys["bad"]);
        Anonymous = NewClient(null);
    }

    /// <summary>A client with <paramref name="key"/> in the X-Api-Key header (none when null).</summary>
    public HttpClient NewClient(string? key, bool bearer = false)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            if (bearer)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            else
            {
                client.DefaultRequestHeaders.Add("X-Api-Key", key);
            }
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>Starts watching lifecycle events in the node (subscribed when this returns).</summary>
    public EventWatch Watch() => new(JobClient);

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        // For diagnosing a failed run: SERVER_TESTS_LOG=/tmp/file.txt dotnet test keeps what the node logged.
        if (Environment.GetEnvironmentVariable("SERVER_TESTS_LOG") is { } logFile)
        {
            await File.WriteAllLinesAsync(logFile, Logs.Lines.Select(l => $"{l.Level} {l.Category}: {l.Message}"));
        }

        await App.StopAsync();
        await App.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temporary directory is left behind.
        }
    }

    /// <summary>Posts <paramref name="body"/> as JSON.</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, object body) =>
        client.PostAsJsonAsync(path, body, Json);

    /// <summary>Posts raw text with a content type.</summary>
    public static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string body, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType)));

    /// <summary>Reads the body as <typeparamref name="T"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json))!;
}
