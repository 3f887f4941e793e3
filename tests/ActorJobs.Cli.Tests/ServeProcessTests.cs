using System.Diagnostics;

namespace ActorJobs.Cli.Tests;

/// <summary>The built actorjobs executable as separate processes: `serve` on a free port, then `submit --wait` against it.</summary>
public sealed class ServeProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"cli-serve-{Guid.NewGuid():N}");

    public ServeProcessTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Serve_starts_a_node_that_a_second_process_submits_a_job_to_and_waits_for()
    {
        var port = Cli.ClosedPort();
        var url = $"http://127.0.0.1:{port}";
        using var serve = Start("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", Path.Combine(_directory, "data", "node.db"));
        try
        {
            await WaitUntilHealthyAsync(serve, url);

            using var submit = Start("submit", "noop", "--wait", "--url", url);
            var output = submit.StandardOutput.ReadToEndAsync();
            var error = submit.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await submit.WaitForExitAsync(timeout.Token);

            Assert.True(submit.ExitCode == ExitCodes.Ok, $"exit {submit.ExitCode}\n{await output}\n{await error}");
            Assert.Contains(" completed ", await output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_directory, "data", "node.db")), "serve --db made the database file");
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_command_against_no_node_exits_6_as_a_process()
    {
        using var list = Start("list", "--url", $"http://127.0.0.1:{Cli.ClosedPort()}");
        var error = list.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await list.WaitForExitAsync(timeout.Token);

        Assert.True(list.ExitCode == ExitCodes.Unreachable, await error);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The built actorjobs.dll next to this test assembly, run by the same dotnet host.</summary>
    private Process Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "actorjobs.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("ACTORJOBS_URL");
        info.Environment.Remove("ACTORJOBS_API_KEY");
        return Process.Start(info)!;
    }

    private static async Task WaitUntilHealthyAsync(Process serve, string url)
    {
        // The host logs "Application started." once Kestrel listens: wait for that line (or the process's end), then
        // ask /health once. The node's output is drained throughout so it never blocks on a full pipe, and kept for
        // the failure message.
        var log = new System.Text.StringBuilder();
        var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Line(string? line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
            if (line?.Contains("Application started.", StringComparison.Ordinal) == true)
            {
                started.TrySetResult(true);
            }
        }
        serve.OutputDataReceived += (_, e) => Line(e.Data);
        serve.ErrorDataReceived += (_, e) => Line(e.Data);
        serve.EnableRaisingEvents = true;
        serve.Exited += (_, _) => started.TrySetResult(false);
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        if (serve.HasExited)
        {
            started.TrySetResult(false);
        }

        bool listening;
        try
        {
            listening = await started.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"serve did not log that it started within {StartTimeout}:\n{Snapshot(log)}");
            throw;
        }
        Assert.True(listening, $"serve exited with {(serve.HasExited ? serve.ExitCode : 0)} before it started:\n{Snapshot(log)}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri($"{url}/health"));
        Assert.True(response.IsSuccessStatusCode, $"/health answered {(int)response.StatusCode} after start:\n{Snapshot(log)}");
    }

    private static string Snapshot(System.Text.StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }
}
