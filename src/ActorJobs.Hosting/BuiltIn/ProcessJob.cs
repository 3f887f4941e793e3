using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorJobs.Jobs;

namespace ActorJobs.Hosting.BuiltIn;

/// <summary>
/// A process job type's handler: runs the one configured executable with <c>params.args</c> as its argument list
/// (<see cref="ProcessStartInfo.ArgumentList"/>, no shell, so no argument is ever interpreted), copies stdout and
/// stderr lines into the job's log, fails the attempt on a non-zero exit code, and on cancel, suspend, timeout or
/// shutdown kills the whole process tree, so nothing the job started outlives it. The process inherits the node's
/// environment except the node's own settings (<c>ActorJobs__*</c>, which may hold a connection string's password).
/// </summary>
internal sealed class ProcessJob(ProcessJobTypeSettings type)
{
    public const int MaxArguments = 1000;

    private const string NodeSettingsPrefix = "ActorJobs__";

    /// <summary>The params schema: <c>{ "args": [string, ...] }</c>, each argument matching an allowed pattern when the type has some.</summary>
    public static string ParamsSchema(ProcessJobTypeSettings type)
    {
        JsonNode item = new JsonObject { ["type"] = "string", ["maxLength"] = 32_768 };
        if (type.AllowedArguments is { } allowed)
        {
            item = new JsonObject
            {
                ["type"] = "string",
                ["anyOf"] = new JsonArray([.. allowed.Select(p => (JsonNode)new JsonObject { ["pattern"] = $"^(?:{p})$" })]),
            };
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["args"] = new JsonObject { ["type"] = "array", ["maxItems"] = MaxArguments, ["items"] = item },
            },
        }.ToJsonString();
    }

    public async Task<object?> RunAsync(JobContext context)
    {
        var executable = ProcessExecutables.Resolve(type.Executable)
            ?? throw new PermanentJobFailureException($"the executable '{type.Executable}' of job type '{type.Id}' no longer exists");
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
        foreach (var argument in Arguments(context.ParamsJson))
        {
            start.ArgumentList.Add(argument);
        }

        if (type.WorkingDirectory is { } directory)
        {
            start.WorkingDirectory = directory;
        }

        // The node's own settings (ActorJobs__Storage__ConnectionString, API keys, ...) are not the job's business.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith(NodeSettingsPrefix, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in type.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                context.Log.Info(line.Data);
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                context.Log.Error(line.Data);
            }
        };

        if (!process.Start())
        {
            throw new InvalidOperationException($"{executable} did not start");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        context.Log.Info($"started {executable} as process {process.Id} with {start.ArgumentList.Count} argument(s)");
        try
        {
            await process.WaitForExitAsync(context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancel, suspend, timeout or shutdown: nothing the job started may outlive it.
            KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            context.Log.Warn($"process {process.Id} and its children were killed ({context.StopReason.ToString().ToLowerInvariant()})");
            throw;
        }

        var exitCode = process.ExitCode;
        if (exitCode != 0)
        {
            throw new ProcessExitException(exitCode, $"{Path.GetFileName(executable)} exited with code {exitCode}");
        }

        return new { exitCode };
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the token firing and the kill.
        }
    }

    private static List<string> Arguments(string paramsJson)
    {
        using var document = JsonDocument.Parse(paramsJson);
        var arguments = new List<string>();
        if (document.RootElement.TryGetProperty("args", out var args))
        {
            foreach (var argument in args.EnumerateArray())
            {
                arguments.Add(argument.GetString() ?? "");
            }
        }

        return arguments;
    }
}

/// <summary>A process job's executable exited with a non-zero code: the attempt fails (and may be retried by policy).</summary>
public sealed class ProcessExitException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProcessExitException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    /// <summary>The exit code.</summary>
    public int ExitCode { get; }
}
