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
    public async Task On_SIGHUP_serve_reads_its_api_keys_again_refusing_a_removed_key_and_taking_a_new_one()
    {
        var port = Cli.ClosedPort();
        var url = $"http://127.0.0.1:{port}";
        var config = Path.Combine(_directory, "keys.json");
        var oldKey = "old-" + Guid.NewGuid().ToString("N");
        var newKey = "new-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(config, KeysJson(oldKey));
        using var serve = Start("serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", Path.Combine(_directory, "data", "node.db"), "--config", config);
        try
        {
            var output = await WaitUntilHealthyAsync(serve, url);
            Assert.Equal(ExitCodes.Ok, await ExitOfAsync("list", "--url", url, "--api-key", oldKey));

            // Only a reload logged after the hang-up counts: an earlier line with the same text (the key count does not
            // change) would let the test go on before the signal was handled.
            var beforeHangUp = output.Mark();
            await File.WriteAllTextAsync(config, KeysJson(newKey));
            using (var hangUp = Process.Start("kill", ["-HUP", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await hangUp.WaitForExitAsync();
            }

            await output.WaitForAsync("API keys reloaded: 1 key(s) in use", TimeSpan.FromSeconds(60), since: beforeHangUp);
            Assert.False(serve.HasExited, "a hang-up reloads; it does not end the node");
            Assert.Equal(ExitCodes.Auth, await ExitOfAsync("list", "--url", url, "--api-key", oldKey));
            Assert.Equal(ExitCodes.Ok, await ExitOfAsync("list", "--url", url, "--api-key", newKey));
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }

        static string KeysJson(string key) => System.Text.Json.JsonSerializer.Serialize(new
        {
            ActorJobs = new { Server = new { ApiKeys = new[] { new { Name = "ops", Role = "admin", Sha256 = Server.Auth.ApiKeySettings.HashOf(key) } } } },
        });
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

    private async Task<int> ExitOfAsync(params string[] args)
    {
        using var run = Start(args);
        var output = run.StandardOutput.ReadToEndAsync();
        var error = run.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await run.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(output, error);
        return run.ExitCode;
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

    private static async Task<NodeOutput> WaitUntilHealthyAsync(Process serve, string url)
    {
        // The host logs "Application started." once Kestrel listens: wait for that line (or the process's end), then
        // ask /health once.
        var output = new NodeOutput(serve);
        await output.WaitForAsync("Application started.", StartTimeout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(new Uri($"{url}/health"));
        Assert.True(response.IsSuccessStatusCode, $"/health answered {(int)response.StatusCode} after start:\n{output}");
        return output;
    }

    /// <summary>
    /// The node's stdout and stderr, drained from the start so it never blocks on a full pipe and kept for failure
    /// messages; a test waits for a line, or fails at once when the process ends first.
    /// </summary>
    private sealed class NodeOutput
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _log = new();
        private readonly List<(string Text, TaskCompletionSource<bool> Seen)> _waits = [];
        private bool _exited;

        public NodeOutput(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Line(e.Data);
            process.ErrorDataReceived += (_, e) => Line(e.Data);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => Exited();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (process.HasExited)
            {
                Exited();
            }
        }

        /// <summary>Where the output is now, for <see cref="WaitForAsync"/> to look only at what comes after.</summary>
        public int Mark()
        {
            lock (_log)
            {
                return _log.Length;
            }
        }

        /// <summary>Waits for a line containing <paramref name="text"/>, from now or earlier (back to <paramref name="since"/>, a <see cref="Mark"/>).</summary>
        public async Task WaitForAsync(string text, TimeSpan timeout, int since = 0)
        {
            var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_log)
            {
                if (_log.ToString(since, _log.Length - since).Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                if (_exited)
                {
                    seen.TrySetResult(false);
                }

                _waits.Add((text, seen));
            }

            bool found;
            try
            {
                found = await seen.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"serve did not log \"{text}\" within {timeout}:\n{this}");
                throw;
            }

            Assert.True(found, $"serve exited with {(_process.HasExited ? _process.ExitCode : 0)} before it logged \"{text}\":\n{this}");
        }

        public override string ToString()
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }

        private void Line(string? line)
        {
            lock (_log)
            {
                _log.AppendLine(line);
                foreach (var (text, seen) in _waits)
                {
                    if (line?.Contains(text, StringComparison.Ordinal) == true)
                    {
                        seen.TrySetResult(true);
                    }
                }
            }
        }

        private void Exited()
        {
            lock (_log)
            {
                _exited = true;
                foreach (var (_, seen) in _waits)
                {
                    seen.TrySetResult(false);
                }
            }
        }
    }
}
