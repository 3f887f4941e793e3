using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class OpenApiTests(ApiServer server)
{
    /// <summary>The routes issue #6 asks for; the document must describe each.</summary>
    public static readonly TheoryData<string, string> Required = new()
    {
        { "POST", "/jobs" }, { "POST", "/jobs/bulk" }, { "GET", "/jobs" }, { "GET", "/jobs/{id}" },
        { "POST", "/jobs/{id}/cancel" }, { "POST", "/jobs/{id}/suspend" }, { "POST", "/jobs/{id}/resume" }, { "POST", "/jobs/{id}/retry" },
        { "DELETE", "/jobs/{id}" }, { "GET", "/jobs/{id}/logs" }, { "GET", "/jobs/{id}/events" },
        { "GET", "/job-types" }, { "GET", "/job-types/{id}" }, { "GET", "/job-groups" }, { "GET", "/job-groups/{id}" },
        { "GET", "/queues" }, { "GET", "/queues/{name}" }, { "POST", "/queues/{name}/pause" }, { "POST", "/queues/{name}/resume" }, { "POST", "/queues/{name}/capacity" },
        { "POST", "/schedules" }, { "GET", "/schedules" }, { "GET", "/schedules/{id}" }, { "PUT", "/schedules/{id}" },
        { "POST", "/schedules/{id}/enable" }, { "POST", "/schedules/{id}/disable" }, { "DELETE", "/schedules/{id}" },
        { "GET", "/dead-letters" }, { "POST", "/dead-letters/{id}/requeue" }, { "GET", "/stats" }, { "GET", "/health" }, { "GET", "/events" },
    };

    [Theory]
    [MemberData(nameof(Required))]
    public async Task The_document_describes_each_route_the_issue_asks_for(string method, string path)
    {
        var operation = (await DocumentAsync()).GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());

        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.True(operation.GetProperty("responses").EnumerateObject().Any());
    }

    [Fact]
    public async Task The_document_describes_every_route_the_server_maps()
    {
        var paths = (await DocumentAsync()).GetProperty("paths");
        var mapped = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/openapi/{documentName}.json")
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Path: "/" + e.RoutePattern.RawText!.Trim('/'))))
            .ToList();

        Assert.True(mapped.Count >= 32, $"only {mapped.Count} routes mapped");
        foreach (var (method, path) in mapped)
        {
            Assert.True(
                paths.TryGetProperty(path, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out _),
                $"{method} {path} is mapped but not in the OpenAPI document");
        }
    }

    [Fact]
    public async Task Request_bodies_and_problem_responses_are_described()
    {
        var submit = (await DocumentAsync()).GetProperty("paths").GetProperty("/jobs").GetProperty("post");

        Assert.True(submit.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var responses = submit.GetProperty("responses");
        foreach (var status in new[] { "200", "201", "400", "413", "415" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"POST /jobs does not describe {status}");
        }

        Assert.True(responses.GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task The_document_says_how_to_send_the_api_key()
    {
        var document = await DocumentAsync();

        var apiKey = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", apiKey.GetProperty("type").GetString());
        Assert.Equal("header", apiKey.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", apiKey.GetProperty("name").GetString());
        Assert.Contains(document.GetProperty("security").EnumerateArray(), r => r.TryGetProperty("ApiKey", out _));
        Assert.Equal("ActorJobs REST API", document.GetProperty("info").GetProperty("title").GetString());
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var document = JsonDocument.Parse(await server.Anonymous.GetStringAsync("openapi/v1.json"));
        return document.RootElement.Clone();
    }
}
