using System.Net;
using System.Text;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

/// <summary>
/// Every kind of bad input is a 4xx problem document that names what is wrong, never a 500, and creates nothing.
/// Each test submits with the <c>bad</c> tenant's key into a tenant of its own making nothing else writes to.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputApiTests(ApiServer server)
{
    /// <summary>Bad jobs, each with the field it names and words of its problem: on POST /jobs and inside a bulk alike.</summary>
    public static TheoryData<string, string, string> BadJobs => new()
    {
        { """{"type":"noop","type":"sleep"}""", "type", "more than once" },
        { """{"type":"noop","colour":"red"}""", "colour", "not a known field" },
        { """{"type":"noop","timeoutSeconds":"ten"}""", "timeoutSeconds", "expected a number" },
        { """{"type":"noop","notBefore":"tomorrow"}""", "notBefore", "ISO 8601" },
        { """{"type":"noop","resources":"db"}""", "resources", "expected an array" },
        { """{"type":"noop","params":[1,2]}""", "params", "must be a JSON object" },
        { """{"type":"test.counted","params":{"count":"many"}}""", "params.count", "does not match the schema" },
        { """{"type":"test.counted","params":{}}""", "params.count", "does not match the schema" },
        { """{"params":{}}""", "type", "is required" },
        { """{"type":"nope"}""", "type", "not a job type" },
        { """{"type":"noop","priority":"urgent"}""", "priority", "not a priority" },
        { """{"type":"noop","priority":11}""", "priority", "out of range" },
        { """{"type":"noop","priority":2.5}""", "priority", "whole number" },
        { """{"type":"noop","priority":true}""", "priority", "must be a number or a name" },
        { """{"type":"noop","timeoutSeconds":0}""", "timeoutSeconds", "out of range" },
        { """{"type":"noop","timeoutSeconds":1e12}""", "timeoutSeconds", "out of range" },
        { """{"type":"noop","maxRetries":-1}""", "maxRetries", "out of range" },
        { """{"type":"no\u0001op"}""", "type", "control character" },
        { """{"type":"noop","idempotencyKey":"a\nb"}""", "idempotencyKey", "control character" },
        { """{"type":"noop","owner":"me\u001b[31m"}""", "owner", "control character" },
        { """{"type":"noop","resources":["db\u0000"]}""", "resources[0]", "control character" },
        { """{"type":"noop","owner":" padded "}""", "owner", "white space" },
        { """{"type":"noop","Type":"sleep"}""", "Type", "more than once" },
        { """{"type":"noop","maxRetries":2.5}""", "maxRetries", "expected a number" },
        { """{"type":"noop","maxRetries":"2"}""", "maxRetries", "expected a number" },
        { """{"type":"noop","owner":7}""", "owner", "expected a string" },
        { """{"type":"noop","resources":["db",5]}""", "resources[1]", "expected a string" },
        { """{"type":"noop","params":{"a":}}""", "params", "not valid JSON" },
    };

    [Theory]
    [InlineData("""{"type":"noop",""", "body", "not valid JSON")]
    [InlineData("""not json""", "body", "not valid JSON")]
    [InlineData("", "body", "empty")]
    [InlineData("null", "body", "must be a JSON object")]
    [MemberData(nameof(BadJobs))]
    public async Task A_bad_submit_is_400_naming_the_field_and_creates_nothing(string body, string field, string problem)
    {
        var tenant = NewTenant();

        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs?tenant={tenant}", body);

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Contains(problem, detail, StringComparison.Ordinal);
        await AssertNothingCreatedAsync(tenant);
    }

    [Theory]
    [MemberData(nameof(BadJobs))]
    public async Task A_bad_job_in_the_middle_of_a_bulk_is_400_naming_its_index_and_creates_nothing(string job, string field, string problem)
    {
        // The bulk form has its own reader; each bad job must read as it does on POST /jobs, named by its index.
        var tenant = NewTenant();

        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs/bulk?tenant={tenant}", $$"""{"jobs":[{"type":"noop"},{{job}},{"type":"noop"}]}""");

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, $"jobs[1].{field}");
        Assert.Contains(problem, detail, StringComparison.Ordinal);
        await AssertNothingCreatedAsync(tenant);
    }

    [Theory]
    [InlineData("", "body", "empty")]
    [InlineData("null", "body", "must be a JSON object")]
    [InlineData("""[{"type":"noop"}]""", "body", "expected an object")]
    [InlineData("""{"jobs":[{"type":"noop"}]""", "body", "not valid JSON")]
    [InlineData("""{"jobs":[{"type":"noop"}]} x""", "body", "not valid JSON")]
    [InlineData("""{"jobs":[{"type":"noop"},]}""", "jobs", "not valid JSON")]
    [InlineData("""{"jobs":[{"type":"noop"}],"jobs":[]}""", "jobs", "more than once")]
    [InlineData("""{"jobs":[{"type":"noop"}],"dryRun":true}""", "dryRun", "not a known field")]
    [InlineData("""{"jobs":{"type":"noop"}}""", "jobs", "expected an array")]
    [InlineData("""{"jobs":null}""", "jobs", "non-empty array")]
    [InlineData("""{"jobs":[{"type":"noop"},"noop"]}""", "jobs[1]", "expected an object")]
    [InlineData("""{"jobs":[{"type":"noop"},null]}""", "jobs[1]", "not null")]
    [InlineData("""{"jobs":[{"type":"noop"},{"type":"noop" "owner":"x"}]}""", "jobs[1]", "not valid JSON")]
    [InlineData("""{"jobs":[{"type":"noop"},{"type":"noop","colour":"red"}]}""", "jobs[1].colour", "not a known field")]
    public async Task A_bad_bulk_body_is_400_naming_the_field_and_creates_nothing(string body, string field, string problem)
    {
        var tenant = NewTenant();

        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs/bulk?tenant={tenant}", body);

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Contains(problem, detail, StringComparison.Ordinal);
        await AssertNothingCreatedAsync(tenant);
    }

    [Fact]
    public async Task Bulk_fields_are_read_in_any_case_after_a_byte_order_mark_as_on_post_jobs()
    {
        var tenant = NewTenant();

        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs/bulk?tenant={tenant}", "\uFEFF " + """{"Jobs":[{"TYPE":"noop","NotBefore":"2099-01-01T00:00:00Z","Owner":"me"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var job = Assert.Single((await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"jobs?tenant={tenant}"))).Jobs);
        Assert.Equal("me", job.Owner);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), job.ScheduledAt);
        await server.Admin.PostAsync($"jobs/{job.Id}/cancel?tenant={tenant}", null);
    }

    [Fact]
    public async Task Bulk_nesting_deeper_than_the_limit_is_400_naming_the_job()
    {
        var tenant = NewTenant();
        var deep = string.Concat(Enumerable.Repeat("""{"a":""", 40)) + "1" + new string('}', 40);

        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs/bulk?tenant={tenant}", $$"""{"jobs":[{"type":"noop"},{"type":"noop","params":{{deep}}}]}""");

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "jobs[1].params");
        Assert.Contains("deeper than the limit of 32", detail);
        await AssertNothingCreatedAsync(tenant);
    }

    [Fact]
    public async Task Bulk_over_the_job_limit_is_400_counting_every_job_sent()
    {
        var tenant = NewTenant();
        var jobs = string.Join(",", Enumerable.Repeat("""{"type":"noop"}""", 10_001));

        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs/bulk?tenant={tenant}", $$"""{"jobs":[{{jobs}}]}""");

        Assert.Contains("has 10001 jobs; at most 10000", await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "jobs"));
        await AssertNothingCreatedAsync(tenant);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=latin1")]
    public async Task A_body_that_is_not_json_is_415_naming_the_content_type(string contentType)
    {
        var response = await server.Bad.PostAsync("jobs", new StringContent("""{"type":"noop"}""", Encoding.UTF8, System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType)));

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "Content-Type");
        Assert.Contains("application/json", detail);
        await AssertNothingCreatedAsync("bad");
    }

    [Fact]
    public async Task A_body_without_a_content_type_is_415()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"type":"noop"}"""));

        var response = await server.Bad.PostAsync("jobs/bulk", content);

        Assert.Contains("missing", await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "Content-Type"));
        await AssertNothingCreatedAsync("bad");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_creates_nothing()
    {
        var tenant = NewTenant();
        var jobs = string.Join(",", Enumerable.Repeat("""{"type":"noop","owner":"0123456789012345678901234567890123456789"}""", 20_000));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"jobs/bulk?tenant={tenant}")
        {
            Content = new StringContent($$"""{"jobs":[{{jobs}}]}""", Encoding.UTF8, "application/json"),
        };

        // The node answers 413 from the Content-Length alone and closes the connection; a client still sending the
        // body then fails with a broken pipe instead of reading the answer (seen in CI). Waiting for the go-ahead, as
        // a client sending a large body should, it reads the 413 and sends nothing.
        request.Headers.ExpectContinue = true;
        var response = await server.Admin.SendAsync(request);

        Assert.Contains("1048576 bytes", await ProblemAssert.IsAsync(response, HttpStatusCode.RequestEntityTooLarge, "body"));
        await AssertNothingCreatedAsync(tenant);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_too()
    {
        var tenant = NewTenant();
        var padding = new string(' ', 1_100_000);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"type":"noop"{{padding}}}""")));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"jobs?tenant={tenant}") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await server.Admin.SendAsync(request);

        await ProblemAssert.IsAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
        await AssertNothingCreatedAsync(tenant);
    }

    [Fact]
    public async Task Nesting_deeper_than_the_limit_is_400_naming_where()
    {
        var tenant = NewTenant();
        var deep = string.Concat(Enumerable.Repeat("""{"a":""", 40)) + "1" + new string('}', 40);

        var response = await ApiServer.PostRawAsync(server.Admin, $"jobs?tenant={tenant}", $$"""{"type":"noop","params":{{deep}}}""");

        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "params");
        Assert.Contains("deeper than the limit of 32", detail);
        await AssertNothingCreatedAsync(tenant);
    }

    [Theory]
    [InlineData("jobs?status=bogus", "status", "not a job status")]
    [InlineData("jobs?order=newest", "order", "not an order")]
    [InlineData("jobs?group=nope", "group", "not a job group")]
    [InlineData("jobs?limit=0", "limit", "out of range")]
    [InlineData("jobs?limit=ten", "limit", "not a whole number")]
    [InlineData("jobs?offset=-1", "offset", "out of range")]
    [InlineData("jobs?type=a%01b", "type", "control character")]
    [InlineData("dead-letters?order=sideways", "order", "not an order")]
    [InlineData("queues/test?limit=1001", "limit", "out of range")]
    [InlineData("events?queue=%07", "queue", "control character")]
    public async Task A_bad_query_value_is_400_naming_it(string path, string field, string problem)
    {
        var detail = await ProblemAssert.IsAsync(await server.Bad.GetAsync(path), HttpStatusCode.BadRequest, field);

        Assert.Contains(problem, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_log_cursor_is_400_naming_it()
    {
        var job = await ApiServer.ReadAsync<JobDto>(await ApiServer.PostJsonAsync(server.Bad, "jobs", new { type = "noop", notBefore = "2099-01-01T00:00:00Z" }));
        try
        {
            await ProblemAssert.IsAsync(await server.Bad.GetAsync($"jobs/{job.Id}/logs?after=-5"), HttpStatusCode.BadRequest, "after");
            await ProblemAssert.IsAsync(await server.Bad.GetAsync($"jobs/{job.Id}/logs?limit=0"), HttpStatusCode.BadRequest, "limit");
        }
        finally
        {
            await server.Bad.PostAsync($"jobs/{job.Id}/cancel", null);
            await server.Bad.DeleteAsync($"jobs/{job.Id}");
        }
    }

    [Fact]
    public async Task Bulk_without_jobs_is_400_naming_jobs()
    {
        await ProblemAssert.IsAsync(await ApiServer.PostRawAsync(server.Bad, "jobs/bulk", "{}"), HttpStatusCode.BadRequest, "jobs");
        await ProblemAssert.IsAsync(await ApiServer.PostRawAsync(server.Bad, "jobs/bulk", """{"jobs":[]}"""), HttpStatusCode.BadRequest, "jobs");
        await ProblemAssert.IsAsync(await ApiServer.PostRawAsync(server.Bad, "jobs/bulk", """{"jobs":[null]}"""), HttpStatusCode.BadRequest, "jobs[0]");
        await ProblemAssert.IsAsync(await ApiServer.PostRawAsync(server.Bad, "jobs/bulk", """{"jobs":[{"type":"noop","prio":1}]}"""), HttpStatusCode.BadRequest, "jobs[0].prio");
        await AssertNothingCreatedAsync("bad");
    }

    [Fact]
    public async Task An_admin_tenant_with_a_control_character_is_400()
    {
        await ProblemAssert.IsAsync(await ApiServer.PostRawAsync(server.Admin, "jobs?tenant=a%0Ab", """{"type":"noop"}"""), HttpStatusCode.BadRequest, "tenant");
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problem_documents()
    {
        await ProblemAssert.IsAsync(await server.Bad.GetAsync("nothing-here"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Bad.PutAsync("jobs", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.MethodNotAllowed);
    }

    private static string NewTenant() => "bad-" + Guid.NewGuid().ToString("N")[..8];

    private async Task AssertNothingCreatedAsync(string tenant)
    {
        var page = await ApiServer.ReadAsync<JobPageDto>(await server.Admin.GetAsync($"jobs?tenant={tenant}"));
        Assert.Equal(0, page.Total);
    }
}
