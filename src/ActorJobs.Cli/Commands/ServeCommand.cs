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
        var port = new Option<int>("--port") { Description = $"The HTTP port (default {DefaultPort}; 0 picks a free one)", DefaultValueFactory = _ => DefaultPort };
        var db = new Option<string>("--db") { Description = $"The SQLite database file (default {DefaultDatabase})", DefaultValueFactory = _ => DefaultDatabase };
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

            var dbPath = Path.GetFullPath(parse.GetValue(db)!);
            Directory.CreateDirectory(Path.GetDirectoryName(dbPath)!);
            await context.RunNode(NodeArguments(portValue, dbPath, configValue, parse.UnmatchedTokens), cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The node's command-line configuration for the serve options.</summary>
    public static string[] NodeArguments(int port, string databasePath, string? configFile, IReadOnlyList<string> extra)
    {
        var args = new List<string>
        {
            $"--ActorJobs:Server:Port={port.ToString(CultureInfo.InvariantCulture)}",
            $"--ActorJobs:Storage:Path={databasePath}",
        };
        if (configFile is not null)
        {
            args.Add("--config");
            args.Add(Path.GetFullPath(configFile));
        }

        args.AddRange(extra);
        return [.. args];
    }
}
