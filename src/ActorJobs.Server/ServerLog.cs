namespace ActorJobs.Server;

/// <summary>What the server says when it starts.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning,
        Message = "No API keys are configured (ActorJobs:Server:ApiKeys): the REST API listens on 127.0.0.1 only, and every local caller is an admin. Listening on {Addresses}")]
    public static partial void NoKeysLoopbackOnly(ILogger logger, string addresses);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "No API keys are configured: asked to listen on {Asked}, listening on 127.0.0.1 instead. Configure ActorJobs:Server:ApiKeys to serve other hosts")]
    public static partial void Narrowed(ILogger logger, string asked);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "ActorJobs REST API listening on {Addresses} with {KeyCount} API key(s)")]
    public static partial void Listening(ILogger logger, string addresses, int keyCount);

    [LoggerMessage(EventId = 103, Level = LogLevel.Critical,
        Message = "No API keys are configured but the server listens on {Address}, which is not loopback (a Kestrel endpoint in configuration?): stopping. Configure ActorJobs:Server:ApiKeys or listen on 127.0.0.1")]
    public static partial void RefusingOpenAddress(ILogger logger, string address);
}
