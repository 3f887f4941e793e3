using System.Net;
using System.Text.Json;

namespace ActorJobs.Server.Tests;

/// <summary>Checks an answer is an RFC 7807 problem document with the status and field expected.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts the problem and returns its detail (the message a person reads).</summary>
    public static async Task<string> IsAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Equal((int)status, root.GetProperty("status").GetInt32());
        Assert.StartsWith("https://actorjobs.dev/problems/", root.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        var detail = root.GetProperty("detail").GetString()!;
        if (field is not null)
        {
            Assert.Equal(field, root.GetProperty("field").GetString());
            Assert.StartsWith(field + ":", detail, StringComparison.Ordinal);
        }

        return detail;
    }
}
