using Microsoft.Extensions.Logging;

namespace ActorJobs.TestKit.Logging;

/// <summary>The smallest <see cref="ILoggerFactory"/> over one provider, so the TestKit needs no logging framework.</summary>
internal sealed class TestOutputLoggerFactory(TestOutputLoggerProvider outputProvider) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => outputProvider.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The TestKit's logger factory writes to the test output only; pass your own LoggerFactory in ActorSystemSettings to log elsewhere.");

    public void Dispose() => outputProvider.Dispose();
}
