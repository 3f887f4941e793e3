namespace ActorJobs.Client;

/// <summary>One server-sent event: its name (<c>message</c> when the stream gave none), id and data lines joined by <c>\n</c>.</summary>
public sealed record ServerSentEvent(string Event, string? Id, string Data);
