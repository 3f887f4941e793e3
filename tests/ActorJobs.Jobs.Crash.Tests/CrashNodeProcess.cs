using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace ActorJobs.Jobs.Crash.Tests;

/// <summary>One run of the crash node as a child process: its stdout as a stream of lines, its stderr kept for failure messages.</summary>
internal sealed class CrashNodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StringBuilder _errors = new();

    private CrashNodeProcess(Process process) => _process = process;

    /// <summary>The node's stderr so far (the engine's warnings and errors).</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>The exit code, once it has exited (137 when SIGKILLed).</summary>
    public int ExitCode => _process.ExitCode;

    public static CrashNodeProcess Start(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ActorJobs.Jobs.CrashNode.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var node = new CrashNodeProcess(new Process { StartInfo = start });
        node._process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                node._lines.Writer.TryWrite(text);
            }
            else
            {
                node._lines.Writer.TryComplete();
            }
        };
        node._process.ErrorDataReceived += (_, line) =>
        {
            lock (node._errors)
            {
                node._errors.AppendLine(line.Data);
            }
        };
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>The next line the node printed, or null once its stdout has closed (it exited).</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line) ? line : null;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// SIGSTOP: the node freezes mid-work (its leases lapse) but is not dead; <see cref="ResumeAsync"/> wakes it up.
    /// False when it had already exited.
    /// </summary>
    public Task<bool> PauseAsync() => SignalAsync("-STOP");

    /// <summary>SIGCONT; false when it had already exited.</summary>
    public Task<bool> ResumeAsync() => SignalAsync("-CONT");

    /// <summary>SIGKILL: no cleanup, no flush, exactly like a crash.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    private async Task<bool> SignalAsync(string signal)
    {
        var start = new ProcessStartInfo("kill") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(signal);
        start.ArgumentList.Add(_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var kill = Process.Start(start)!;
        var error = await kill.StandardError.ReadToEndAsync();
        await kill.WaitForExitAsync();
        if (kill.ExitCode == 0)
        {
            return true;
        }

        // It died meanwhile (the poison kills its node); a zombie not yet reaped still takes signals, so this is rare.
        await _process.WaitForExitAsync();
        return _process.HasExited ? false : throw new InvalidOperationException($"kill {signal} {_process.Id} failed: {error}");
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
