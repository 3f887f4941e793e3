using System.Globalization;
using System.Net;

namespace ActorJobs.Server.Node;

/// <summary>
/// Where the node listens. Without API keys only loopback addresses are allowed: any other host asked for is
/// narrowed to 127.0.0.1 on the same port, and the node says so when it starts.
/// </summary>
internal static class ListenAddresses
{
    /// <summary>The URLs to listen on, and the ones asked for that were narrowed to loopback.</summary>
    public static (string[] Urls, IReadOnlyList<string> Narrowed) Resolve(string? configured, int port, bool hasKeys)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            var host = hasKeys ? "*" : "127.0.0.1";
            return ([string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}")], []);
        }

        var urls = new List<string>();
        var narrowed = new List<string>();
        foreach (var url in configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (hasKeys || IsLoopback(HostOf(url)))
            {
                urls.Add(url);
                continue;
            }

            narrowed.Add(url);
            urls.Add(WithHost(url, "127.0.0.1"));
        }

        return ([.. urls.Distinct(StringComparer.OrdinalIgnoreCase)], narrowed);
    }

    /// <summary>True for localhost and loopback IP addresses.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>The host of a URL such as <c>http://0.0.0.0:5080</c>, <c>http://[::]:80</c> or <c>http://*:5080</c>.</summary>
    public static string HostOf(string url)
    {
        var (start, end) = HostSpan(url);
        return url[start..end];
    }

    private static string WithHost(string url, string host)
    {
        var (start, end) = HostSpan(url);
        return url[..start] + host + url[end..];
    }

    private static (int Start, int End) HostSpan(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        if (start < url.Length && url[start] == '[')
        {
            var close = url.IndexOf(']', start);
            return (start, close < 0 ? url.Length : close + 1);
        }

        var end = url.IndexOfAny([':', '/'], start);
        return (start, end < 0 ? url.Length : end);
    }
}
