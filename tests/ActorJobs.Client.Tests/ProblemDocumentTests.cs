using System.Net;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Client.Tests;

public class ProblemDocumentTests
{
    [Fact]
    public async Task A_validation_problem_becomes_an_exception_with_status_title_detail_and_field_errors()
    {
        var handler = FakeHandler.Json(HttpStatusCode.BadRequest, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more fields are invalid.","status":400,
             "detail":"The job type 'nope' does not exist.","errors":{"type":["The job type 'nope' does not exist."],"priority":"must be 1..10"}}
            """, ProblemDocument.MediaType);
        using var client = handler.Client();

        var e = await Assert.ThrowsAsync<ActorJobsApiException>(() => client.SubmitAsync(new SubmitJobRequest { Type = "nope" }));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("One or more fields are invalid.", e.Title);
        Assert.Equal("The job type 'nope' does not exist.", e.Detail);
        Assert.Equal(["The job type 'nope' does not exist."], e.FieldErrors["type"]);
        Assert.Equal(["must be 1..10"], e.FieldErrors["priority"]);
        Assert.Contains("priority: must be 1..10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_problem_naming_one_field_maps_it_to_the_detail()
    {
        var handler = FakeHandler.Json(HttpStatusCode.Conflict, """{"title":"Rejected","status":409,"detail":"job is completed","field":"status"}""");
        using var client = handler.Client();

        var e = await Assert.ThrowsAsync<ActorJobsApiException>(() => client.CancelJobAsync("j1"));

        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.Equal(["job is completed"], e.FieldErrors["status"]);
    }

    [Fact]
    public async Task A_body_that_is_not_a_problem_document_is_kept_in_the_message()
    {
        var handler = FakeHandler.Json(HttpStatusCode.BadGateway, "upstream went away", "text/plain");
        using var client = handler.Client();

        var e = await Assert.ThrowsAsync<ActorJobsApiException>(() => client.GetStatsAsync());

        Assert.Equal(HttpStatusCode.BadGateway, e.StatusCode);
        Assert.Null(e.Problem);
        Assert.Empty(e.FieldErrors);
        Assert.Contains("upstream went away", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{not json")]
    [InlineData("""{"foo":1}""")]
    public void Text_that_is_not_a_problem_document_parses_to_null(string text) => Assert.Null(ProblemDocument.TryParse(text));

    [Fact]
    public async Task The_api_key_goes_in_the_header_and_ids_are_escaped()
    {
        var handler = FakeHandler.Json(HttpStatusCode.OK, """{"id":"a/b","tenant":"t","type":"noop","queue":"default","status":"waiting"}""");
        using var client = handler.Client("secret");

        var job = await client.GetJobAsync("a/b");

        Assert.Equal("a/b", job.Id);
        var request = Assert.Single(handler.Requests).Request;
        Assert.Equal("secret", Assert.Single(request.Headers.GetValues(ActorJobsHttpClient.ApiKeyHeader)));
        Assert.Equal("/jobs/a%2Fb", request.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task The_list_query_carries_only_the_filters_given()
    {
        var handler = FakeHandler.Json(HttpStatusCode.OK, """{"jobs":[],"total":0,"offset":10,"limit":5}""");
        using var client = handler.Client();

        var page = await client.ListJobsAsync(new JobListQuery { Offset = 10, Limit = 5, Status = "waiting", Order = "-created" });

        Assert.Equal(10, page.Offset);
        Assert.Equal("?offset=10&limit=5&status=waiting&order=-created", handler.Requests[0].Request.RequestUri!.Query);
    }

    [Fact]
    public async Task A_cancel_reason_goes_in_the_query()
    {
        var handler = FakeHandler.Json(HttpStatusCode.OK, """{"id":"j1","tenant":"t","type":"noop","queue":"default","status":"canceled"}""");
        using var client = handler.Client();

        var job = await client.CancelJobAsync("j1", "no longer needed");

        Assert.Equal("canceled", job.Status);
        Assert.Equal("/jobs/j1/cancel?reason=no%20longer%20needed", handler.Requests[0].Request.RequestUri!.PathAndQuery);
    }

    [Fact]
    public async Task A_submit_sends_camel_case_json_without_nulls()
    {
        var handler = FakeHandler.Json(HttpStatusCode.Created, """{"id":"j1","tenant":"t","type":"noop","queue":"default","status":"waiting"}""");
        using var client = handler.Client();

        await client.SubmitAsync(new SubmitJobRequest { Type = "noop", IdempotencyKey = "k" });

        Assert.Equal("""{"type":"noop","idempotencyKey":"k"}""", handler.Requests[0].Body);
    }
}
