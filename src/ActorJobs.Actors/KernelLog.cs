using Microsoft.Extensions.Logging;

namespace ActorJobs.Actors;

/// <summary>The kernel's log messages, source-generated so that a disabled level costs nothing.</summary>
internal static partial class KernelLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Actor {Path} failed and will {Directive}: {Reason}")]
    public static partial void ChildFailed(this ILogger logger, Exception exception, string path, Directive directive, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Actor {Path} failed and resumes: {Reason}")]
    public static partial void ChildResumed(this ILogger logger, Exception exception, string path, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Actor {Path} failed while stopping or awaiting supervision")]
    public static partial void FailureWhileStopping(this ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Actor {Path}: {Hook} threw")]
    public static partial void HookFailed(this ILogger logger, Exception exception, string path, string hook);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Actor {Path}: handling system message {Message} threw")]
    public static partial void SystemMessageFailed(this ILogger logger, Exception exception, string path, string message);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Dead letter: {MessageType} from {Sender} to {Recipient} was not delivered ({Count} so far)")]
    public static partial void DeadLetterInfo(this ILogger logger, string messageType, string sender, string recipient, long count);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Dead letter: {MessageType} from {Sender} to {Recipient} was not delivered ({Count} so far)")]
    public static partial void DeadLetterDebug(this ILogger logger, string messageType, string sender, string recipient, long count);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Unhandled message {MessageType} from {Sender} at {Recipient}")]
    public static partial void UnhandledMessage(this ILogger logger, string messageType, string sender, string recipient);
}
