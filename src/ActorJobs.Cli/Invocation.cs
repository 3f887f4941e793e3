using System.CommandLine;
using System.Text.Json;
using ActorJobs.Client;
using Spectre.Console;

namespace ActorJobs.Cli;

/// <summary>One run of a client command: its parsed values, the node's client, and where to write.</summary>
internal sealed class Invocation(ParseResult parse, CliContext context, GlobalOptions global, CancellationToken cancellationToken) : IDisposable
{
    private ActorJobsHttpClient? _client;
    private IAnsiConsole? _console;

    public ParseResult Parse { get; } = parse;

    public CliContext Context { get; } = context;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public bool Json => Parse.GetValue(global.Json);

    public IAnsiConsole Console => _console ??= Context.CreateConsole();

    public Uri NodeUrl
    {
        get
        {
            var text = Parse.GetValue(global.Url) ?? NonEmpty(Context.Environment("ACTORJOBS_URL")) ?? GlobalOptions.DefaultUrl;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new CliUsageException($"--url: '{text}' is not an http:// or https:// URL");
            }

            return uri;
        }
    }

    public ActorJobsHttpClient Client => _client ??= new ActorJobsHttpClient(
        new HttpClient { BaseAddress = NodeUrl, Timeout = TimeSpan.FromSeconds(100) },
        Parse.GetValue(global.ApiKey) ?? NonEmpty(Context.Environment("ACTORJOBS_API_KEY")));

    public T Value<T>(Option<T> option) => Parse.GetValue(option)!;

    public T Value<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    /// <summary>Writes a DTO as the node's JSON (indented).</summary>
    public void WriteJson<T>(T value) => Context.Out.WriteLine(JsonSerializer.Serialize(value, ActorJobsJson.Indented));

    /// <summary>Writes one line for people.</summary>
    public void WriteLine(string text) => Context.Out.WriteLine(text);

    public void Dispose()
    {
        _client?.Dispose();
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
