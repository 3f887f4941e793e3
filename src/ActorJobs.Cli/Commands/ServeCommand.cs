using System.CommandLine;
using System.Globalization;

namespace ActorJobs.Cli.Commands;

/// <summary>
/// <c>actorjobs serve [--port N] [--db PATH] [--config FILE] [-- extra settings]</c>: runs a node on the embedded SQLite
/// default until Ctrl+C or SIGTERM. Tokens the command does not know go to the node's configuration as they are
/// (for example <c>--ActorJobs:Queues:default:Capacity=8</c>).
/// </summary>
internal static class ServeCommand
{
    public const int DefaultPort = 5080;
    public const string DefaultDatabase = "./data/actorjobs.db";

    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port") { Description = $"The HTTP port (default: the configuration's, else {DefaultPort})", DefaultValueFactory = _ => DefaultPort };
        var db = new Option<string>("--db") { Description = $"The SQLite database file (default: the --config file's, else {DefaultDatabase})", DefaultValueFactory = _ => DefaultDatabase };
        var config = new Option<string?>("--config") { Description = "A JSON settings file layered over config/appsettings.json" };
        var command = new Command("serve", "Run a node: the job engine, the scheduler and the REST API, on embedded SQLite by default")
        {
            port, db, config,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var portValue = parse.GetValue(port);
            if (portValue is < 0 or > 65535)
            {
                await context.Error.WriteLineAsync($"error: --port: {portValue} is not a port (0..65535)");
                return ExitCodes.Usage;
            }

            var configValue = parse.GetValue(config);
            if (configValue is not null && !File.Exists(configValue))
            {
                await context.Error.WriteLineAsync($"error: --config: '{configValue}' does not exist");
                return ExitCodes.Usage;
            }

            if (context.RunNode is null)
            {
                await context.Error.WriteLineAsync("error: this build of actorjobs cannot run a node");
                return ExitCodes.Usage;
            }

            // Defaults the user did not type must not override a --config file's port or database.
            var portGiven = parse.GetResult(port) is { Implicit: false };
            var dbGiven = parse.GetResult(db) is { Implicit: false };
            string? dbPath = null;
            if (dbGiven || configValue is null)
            {
                dbPath = Path.GetFullPath(parse.GetValue(db)!);
                Directory.CreateDirectory(Path.GetDirectoryName(dbPath)!);
            }

            try
            {
                await context.RunNode(NodeArguments(portGiven ? portValue : null, dbPath, configValue, parse.UnmatchedTokens), cancellationToken);
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or FormatException)
            {
                // Unusable configuration (ActorJobsConfigurationException is an InvalidOperationException): the message names the key.
                await context.Error.WriteLineAsync($"error: the node cannot start: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (IOException e)
            {
                await context.Error.WriteLineAsync($"error: the node cannot start: {e.Message}");
                return ExitCodes.ServerError;
            }
        });
        return command;
    }

    /// <summary>The node's command-line configuration for the serve options.</summary>
    public static string[] NodeArguments(int? port, string? databasePath, string? configFile, IReadOnlyList<string> extra)
    {
        var args = new List<string>();
        if (port is { } p)
        {
            args.Add($"--ActorJobs:Server:Port={p.ToString(CultureInfo.InvariantCulture)}");
        }

        if (databasePath is not null)
        {
            args.Add($"--ActorJobs:Storage:Path={databasePath}");
        }

        if (configFile is not null)
        {
            args.Add("--config");
            args.Add(Path.GetFullPath(configFile));
        }

        args.AddRange(extra);
        return [.. args];
    }
}
