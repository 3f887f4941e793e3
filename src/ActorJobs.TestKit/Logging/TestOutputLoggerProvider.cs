using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ActorJobs.TestKit.Logging;

/// <summary>
/// Writes log entries to xunit's <see cref="ITestOutputHelper"/>, so the kernel's failures, restarts and dead letters
/// show up in the output of the test that caused them. Entries written after the test has finished are dropped.
/// </summary>
/// <param name="output">The test's output.</param>
/// <param name="minimumLevel">Entries below this level are skipped.</param>
public sealed class TestOutputLoggerProvider(ITestOutputHelper output, LogLevel minimumLevel = LogLevel.Information) : ILoggerProvider
{
    private readonly ITestOutputHelper _output = output ?? throw new ArgumentNullException(nameof(output));
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly LogLevel _minimumLevel = minimumLevel;

    /// <summary>A logger for <paramref name="categoryName"/>.</summary>
    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(this, categoryName);

    /// <summary>Nothing to release: the output belongs to xunit.</summary>
    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var elapsed = Stopwatch.GetElapsedTime(_start).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        var line = $"[{elapsed}s {Abbreviation(level)}] {category}: {message}";
        if (exception is not null)
        {
            line += Environment.NewLine + exception;
        }
        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output once the test has finished; a late log entry (e.g. during shutdown) is not a failure.
        }
    }

    private static string Abbreviation(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString(),
    };

    private sealed class TestOutputLogger(TestOutputLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= provider._minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
