using System.Runtime.CompilerServices;
using System.Text;

namespace ActorJobs.Client;

/// <summary>
/// Reads a <c>text/event-stream</c> body per the HTML living standard: <c>field: value</c> lines, several <c>data</c>
/// lines joined by a line feed, lines starting with <c>:</c> are comments (heartbeats), a blank line ends an event.
/// An event without data is not dispatched.
/// </summary>
public static class ServerSentEventReader
{
    /// <summary>The events of the stream, until it ends or the token is canceled.</summary>
    public static IAsyncEnumerable<ServerSentEvent> ReadAsync(TextReader reader, CancellationToken cancellationToken = default) =>
        ReadAsync(reader, comment: null, cancellationToken);

    /// <summary>
    /// The events of the stream, until it ends or the token is canceled; <paramref name="comment"/> sees the text of each
    /// comment line after its colon, leading space removed (ActorJobs sends <c>subscribed</c> once the stream is live,
    /// then heartbeats), as it is read.
    /// </summary>
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(TextReader reader, Action<string>? comment, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? eventName = null;
        string? lastId = null;
        var data = new StringBuilder();
        var hasData = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (hasData)
                {
                    yield return new ServerSentEvent(eventName ?? "message", lastId, data.ToString());
                }

                eventName = null;
                data.Clear();
                hasData = false;
                continue;
            }

            if (line[0] == ':')
            {
                comment?.Invoke(line.Length > 1 && line[1] == ' ' ? line[2..] : line[1..]);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    eventName = value;
                    break;
                case "data":
                    if (hasData)
                    {
                        data.Append('\n');
                    }

                    data.Append(value);
                    hasData = true;
                    break;
                case "id":
                    if (!value.Contains('\0', StringComparison.Ordinal))
                    {
                        lastId = value;
                    }

                    break;
                default:
                    // retry and unknown fields: ignored (this reader does not reconnect).
                    break;
            }
        }

        // A stream that ends without the final blank line: the standard discards the partial event.
    }
}
