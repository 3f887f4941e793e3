using ActorJobs.Hosting;
using ActorJobs.Server.Auth;
using ActorJobs.Server.Endpoints;
using ActorJobs.Server.Json;
using ActorJobs.Server.Node;
using ActorJobs.Server.Problems;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ActorJobs.Server;

/// <summary>
/// An ActorJobs node with its REST API on Kestrel: what <c>actorjobs serve</c> and <c>dotnet run --project
/// src/ActorJobs.Server</c> start.
/// </summary>
/// <remarks>
/// Configuration, later sources winning: <c>appsettings*.json</c> in the working directory, <c>config/appsettings.json</c>
/// and <c>config/appsettings.{Environment}.json</c> next to the app and then in the working directory, the file given by
/// <c>--config &lt;file&gt;</c>, environment variables (<c>ActorJobs__Server__Port=5081</c>), and the command line
/// (<c>--ActorJobs:Server:Port=5081</c>, <c>--urls http://127.0.0.1:6000</c>). The API's settings are under
/// <c>ActorJobs:Server</c> (<see cref="ServerSettings"/>); the node's under <c>ActorJobs</c>.
/// </remarks>
public static class ActorJobsServer
{
    /// <summary>The configuration key of the extra settings file given on the command line as <c>--config &lt;file&gt;</c>.</summary>
    public const string ConfigFileKey = "config";

    /// <summary>
    /// Builds the node and its API without starting it. <paramref name="configure"/> adds to what configuration declares
    /// (queues, job types, the storage).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file given by <c>--config</c> does not exist.</exception>
    /// <exception cref="InvalidOperationException">A setting under <c>ActorJobs:Server</c> (an API key entry, a limit) is unusable; the message names its key.</exception>
    public static WebApplication Build(string[] args, Action<ActorJobsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        AddConfigurationFiles(builder.Configuration, builder.Environment.EnvironmentName, args);

        var settings = (builder.Configuration.GetSection(ServerSettings.Section).Get<ServerSettings>(o => o.ErrorOnUnknownConfiguration = true) ?? new ServerSettings()).Validate();
        var keys = new ApiKeyRing(settings.ApiKeys);
        var (urls, narrowed) = ListenAddresses.Resolve(builder.Configuration[WebHostDefaults.ServerUrlsKey], settings.Port, hasKeys: !keys.IsEmpty);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        });

        // One line per request at information level costs more than the request at the rates the API is built for.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddActorJobs(builder.Configuration, b =>
        {
            b.AddBuiltInJobTypes();
            configure?.Invoke(b);
        });
        builder.Services.AddSingleton(Options.Create(settings));
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton(services => ApiKeyReload.Start(
            services.GetRequiredService<IConfiguration>(), keys, services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorJobs.Server.ApiKeys")));
        builder.Services.AddSingleton<RequestJson>();
        builder.Services.AddSingleton<ServerNode>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(OpenApiDocument.Configure);

        var app = builder.Build();
        app.UseMiddleware<ProblemMiddleware>();
        app.UseStatusCodePages(StatusProblems.WriteAsync);
        app.UseRouting();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOpenApi().AllowAnonymous();
        app.MapActorJobsApi();
        app.Lifetime.ApplicationStarted.Register(() => ReportAddresses(app, keys, narrowed));
        app.Services.GetRequiredService<ApiKeyReload>(); // from now on; disposed with the app
        return app;
    }

    /// <summary>Builds the node, runs it until <paramref name="cancellationToken"/> is canceled or the process is told to stop, then stops it gracefully.</summary>
    public static async Task RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var app = Build(args);
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddConfigurationFiles(ConfigurationManager configuration, string environment, string[] args)
    {
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, "config") };
        var local = Path.GetFullPath("config");
        if (!folders.Contains(local, StringComparer.Ordinal))
        {
            folders.Add(local);
        }

        foreach (var folder in folders)
        {
            configuration.AddJsonFile(Path.Combine(folder, "appsettings.json"), optional: true, reloadOnChange: false);
            configuration.AddJsonFile(Path.Combine(folder, $"appsettings.{environment}.json"), optional: true, reloadOnChange: false);
        }

        if (configuration[ConfigFileKey] is { Length: > 0 } file)
        {
            var path = Path.GetFullPath(file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The configuration file given by --config does not exist: {path}", path);
            }

            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        // The files above were added after the environment and the command line; these win over them again.
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
    }

    private static void ReportAddresses(WebApplication app, ApiKeyRing keys, IReadOnlyList<string> narrowed)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ActorJobsServer).FullName!);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var listening = string.Join(", ", addresses);
        foreach (var asked in narrowed)
        {
            ServerLog.Narrowed(logger, asked);
        }

        if (keys.IsEmpty)
        {
            if (addresses.FirstOrDefault(a => !ListenAddresses.IsLoopback(ListenAddresses.HostOf(a))) is { } open)
            {
                ServerLog.RefusingOpenAddress(logger, open);
                app.Lifetime.StopApplication();
                return;
            }

            ServerLog.NoKeysLoopbackOnly(logger, listening);
            return;
        }

        ServerLog.Listening(logger, listening, keys.Count);
    }
}
