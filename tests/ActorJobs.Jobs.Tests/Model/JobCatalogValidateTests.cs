namespace ActorJobs.Jobs.Tests.Model;

/// <summary>Bad input at submission (<see cref="JobCatalog.Validate"/>): each names its field and says what is wrong.</summary>
public sealed class JobCatalogValidateTests
{
    private const string ReportSchema = """
        {
          "type": "object",
          "properties": {
            "count": { "type": "integer", "minimum": 1 },
            "title": { "type": "string" },
            "page": { "type": "object", "properties": { "size": { "type": "integer" } } }
          },
          "required": ["count"],
          "additionalProperties": false
        }
        """;

    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly JobCatalog _catalog = JobCatalog.CreateBuilder()
        .WithMaxParamsBytes(200)
        .AddJobType(JobType.Define("report", "compute", paramsSchema: ReportSchema, resources: ["model:llama"], suspendable: true), Nothing)
        .AddJobType(JobType.Define("cleanup", "maintenance", timeout: TimeSpan.FromMinutes(10)), Nothing)
        .AddJobType<ExportParams>(JobType.Define("export", "download"), () => new ExportHandler())
        .Build();

    [Fact]
    public void A_good_submission_becomes_the_jobs_first_event_with_its_types_policies()
    {
        var submitted = _catalog.Validate(
            new JobSubmission
            {
                Type = "report",
                Tenant = "acme",
                Owner = "alice",
                IdempotencyKey = "nightly:2025-03-01",
                Params = """{ "count": 3 }""",
                Priority = 8,
                NotBefore = Now.AddMinutes(-5),
                Resources = ["gpu", "model:llama"],
            },
            "job-1",
            Now);

        Assert.Equal("job-1", submitted.JobId);
        Assert.Equal("acme", submitted.Tenant);
        Assert.Equal("alice", submitted.Owner);
        Assert.Equal("nightly:2025-03-01", submitted.IdempotencyKey);
        Assert.Equal("report", submitted.Type);
        Assert.Equal("compute", submitted.Queue);
        Assert.Equal(8, submitted.Priority);
        Assert.Equal("{\"count\":3}", submitted.Params);
        Assert.Equal(["gpu", "model:llama"], submitted.Resources);
        Assert.Equal(Now, submitted.NotBefore);
        Assert.Equal(TimeSpan.FromHours(1), submitted.Timeout);
        Assert.Equal(RetryPolicy.Default, submitted.Retry);
        Assert.True(submitted.Suspendable);
        Assert.Equal(Now, submitted.At);
    }

    [Fact]
    public void An_unknown_job_type_is_refused_listing_the_known_types()
    {
        AssertRefused(new JobSubmission { Type = "reprot" }, "type", "type: 'reprot' is not a job type; known types: cleanup, export, report.");
    }

    [Fact]
    public void An_empty_job_type_is_refused()
    {
        AssertRefused(new JobSubmission { Type = " " }, "type", "type: must not be empty.");
    }

    [Theory]
    [InlineData("""{ "count": "three" }""", "params.count", "IntegerExpected")]
    [InlineData("""{ "count": 0 }""", "params.count", "NumberTooSmall")]
    [InlineData("""{ "title": "x" }""", "params.count", "PropertyRequired")]
    [InlineData("""{ "count": 1, "page": { "size": "big" } }""", "params.page.size", "IntegerExpected")]
    [InlineData("""{ "count": 1, "colour": "red" }""", "params.colour", "NoAdditionalPropertiesAllowed")]
    public void Params_that_do_not_match_the_types_schema_are_refused_naming_the_param(string json, string field, string problem)
    {
        AssertRefused(
            new JobSubmission { Type = "report", Params = json },
            field,
            $"{field}: does not match the schema of job type 'report': {problem}.");
    }

    [Fact]
    public void Several_schema_problems_are_counted_after_the_first()
    {
        AssertRefused(
            new JobSubmission { Type = "report", Params = """{ "count": "three", "colour": "red" }""" },
            "params.colour",
            "params.colour: does not match the schema of job type 'report': NoAdditionalPropertiesAllowed (and 1 more problem(s)).");
    }

    [Fact]
    public void Params_that_do_not_match_a_schema_generated_from_a_params_type_are_refused_naming_the_param()
    {
        // The web JSON defaults read numbers from strings too, so the generated schema allows an integer or a
        // string of digits, and a wrong value matches neither.
        AssertRefused(
            new JobSubmission { Type = "export", Params = """{ "count": "three" }""" },
            "params.count",
            "params.count: does not match the schema of job type 'export': NoTypeValidates.");
        Assert.Equal("{\"count\":\"3\"}", _catalog.Validate(new JobSubmission { Type = "export", Params = """{ "count": "3" }""" }, "job-1", Now).Params);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void A_priority_out_of_range_is_refused_saying_the_allowed_range(int priority)
    {
        AssertRefused(
            new JobSubmission { Type = "cleanup", Priority = priority },
            "priority",
            $"priority: priority {priority} is out of range; use 1 (lowest) to 10 (highest), or low, normal, high, critical.");
    }

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(-1, "-00:00:01")]
    public void A_timeout_that_is_not_positive_is_refused(int seconds, string shown)
    {
        AssertRefused(
            new JobSubmission { Type = "cleanup", Timeout = TimeSpan.FromSeconds(seconds) },
            "timeout",
            $"timeout: {shown} is not a timeout; it must be positive.");
    }

    [Fact]
    public void A_timeout_over_thirty_days_is_refused()
    {
        AssertRefused(
            new JobSubmission { Type = "cleanup", Timeout = TimeSpan.FromDays(31) },
            "timeout",
            "timeout: 31.00:00:00 is longer than the limit of 30 days.");
    }

    [Fact]
    public void Params_over_the_size_limit_are_refused_counting_utf8_bytes()
    {
        // 100 'é' are 100 characters but 200 bytes of UTF-8, which with the braces and quotes exceed the limit.
        var json = $$"""{"title":"{{new string('é', 100)}}"}""";

        AssertRefused(new JobSubmission { Type = "cleanup", Params = json }, "params", "params: are 212 bytes; the limit is 200 bytes.");
    }

    [Fact]
    public void Params_exactly_at_the_size_limit_are_accepted()
    {
        var json = $$"""{"title":"{{new string('x', 200 - 12)}}"}""";

        Assert.Equal(json, _catalog.Validate(new JobSubmission { Type = "cleanup", Params = json }, "job-1", Now).Params);
    }

    [Theory]
    [InlineData("[1, 2]", "array")]
    [InlineData("42", "number")]
    [InlineData("\"text\"", "string")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    public void Params_that_are_not_a_json_object_are_refused_saying_what_they_are(string json, string kind)
    {
        AssertRefused(new JobSubmission { Type = "cleanup", Params = json }, "params", $"params: must be a JSON object, not {kind}.");
    }

    [Theory]
    [InlineData("""{ "count": """)]
    [InlineData("{ count: 1 }")]
    [InlineData("")]
    [InlineData("{} {}")]
    public void Malformed_params_are_refused_as_not_valid_json(string json)
    {
        var failure = Refused(new JobSubmission { Type = "cleanup", Params = json });

        Assert.Equal("params", failure.Field);
        Assert.StartsWith("params: are not valid JSON: ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Params_nested_deeper_than_64_levels_are_refused_as_not_valid_json()
    {
        var json = $$"""{"a":{{new string('[', 70)}}{{new string(']', 70)}}}""";

        var failure = Refused(new JobSubmission { Type = "cleanup", Params = json });

        Assert.Equal("params", failure.Field);
        Assert.Contains("depth", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_resource_with_a_control_character_is_refused_naming_its_position_in_the_list()
    {
        AssertRefused(
            new JobSubmission { Type = "cleanup", Resources = ["gpu", "model\u0007"] },
            "resources[1]",
            "resources[1]: contains a control character (U+0007) at position 5.");
        AssertRefused(
            new JobSubmission { Type = "cleanup", Resources = ["\tgpu"] },
            "resources[0]",
            "resources[0]: contains a control character (U+0009) at position 0.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_tenant_is_refused(string tenant)
    {
        AssertRefused(new JobSubmission { Type = "cleanup", Tenant = tenant }, "tenant", "tenant: must not be empty.");
    }

    [Fact]
    public void A_tenant_with_surrounding_white_space_is_refused()
    {
        AssertRefused(new JobSubmission { Type = "cleanup", Tenant = " acme" }, "tenant", "tenant: must not start or end with white space.");
    }

    [Fact]
    public void An_idempotency_key_with_a_control_character_is_refused()
    {
        AssertRefused(
            new JobSubmission { Type = "cleanup", IdempotencyKey = "key\n1" },
            "idempotencyKey",
            "idempotencyKey: contains a control character (U+000A) at position 3.");
    }

    [Fact]
    public void An_owner_longer_than_200_characters_is_refused()
    {
        AssertRefused(
            new JobSubmission { Type = "cleanup", Owner = new string('a', 201) },
            "owner",
            "owner: is 201 characters long; at most 200 are allowed.");
    }

    [Fact]
    public void A_negative_retry_count_is_refused()
    {
        AssertRefused(new JobSubmission { Type = "cleanup", MaxRetries = -1 }, "retry.maxRetries", "retry.maxRetries: -1 is out of range; use 0 to 1000.");
    }

    [Fact]
    public void A_negative_retry_delay_is_refused()
    {
        AssertRefused(
            new JobSubmission { Type = "cleanup", RetryDelay = TimeSpan.FromSeconds(-1) },
            "retry.initialDelay",
            "retry.initialDelay: must not be negative.");
    }

    [Fact]
    public void A_field_carries_the_callers_prefix()
    {
        var failure = Assert.Throws<JobValidationException>(
            () => _catalog.Validate(new JobSubmission { Type = "cleanup", Priority = 0 }, "job-1", Now, "jobs[3]."));

        Assert.Equal("jobs[3].priority", failure.Field);
    }

    [Fact]
    public void A_prefix_is_put_in_front_of_a_nested_field_and_the_message()
    {
        var failure = Assert.Throws<JobValidationException>(
            () => _catalog.Validate(new JobSubmission { Type = "report", Params = """{ "count": 1, "page": { "size": "big" } }""" }, "job-1", Now, "jobs[12]."));

        Assert.Equal("jobs[12].params.page.size", failure.Field);
        Assert.Equal("jobs[12].params.page.size: does not match the schema of job type 'report': IntegerExpected.", failure.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    public void No_params_are_an_empty_object_and_still_checked_against_a_schema(string? json)
    {
        Assert.Equal("{}", _catalog.Validate(new JobSubmission { Type = "cleanup", Params = json }, "job-1", Now).Params);
        AssertRefused(
            new JobSubmission { Type = "report", Params = json },
            "params.count",
            "params.count: does not match the schema of job type 'report': PropertyRequired.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    public void No_params_for_a_type_whose_schema_accepts_an_empty_object_are_an_empty_object_and_any_other_params_still_checked(string? json)
    {
        var catalog = JobCatalog.CreateBuilder()
            .AddJobType(JobType.Define("strict-noop", "compute", paramsSchema: """{ "type": "object", "additionalProperties": false }"""), Nothing)
            .Build();

        Assert.Equal("{}", catalog.Validate(new JobSubmission { Type = "strict-noop", Params = json }, "job-1", Now).Params);
        var failure = Assert.Throws<JobValidationException>(() => catalog.Validate(new JobSubmission { Type = "strict-noop", Params = """{ "extra": 1 }""" }, "job-2", Now));
        Assert.Equal("params.extra: does not match the schema of job type 'strict-noop': NoAdditionalPropertiesAllowed.", failure.Message);
    }

    [Fact]
    public void Params_checked_on_many_threads_at_once_each_get_their_own_verdict()
    {
        // The schema validator is reused per thread: a shared one must not mix up concurrent checks.
        var verdicts = new System.Collections.Concurrent.ConcurrentBag<(int Count, string? Field)>();
        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var count = i % 3 == 0 ? 0 : i;
            try
            {
                _catalog.Validate(new JobSubmission { Type = "report", Params = $$"""{ "count": {{count}} }""" }, $"job-{i}", Now);
                verdicts.Add((count, null));
            }
            catch (JobValidationException e)
            {
                verdicts.Add((count, e.Field));
            }
        });

        Assert.Equal(2_000, verdicts.Count);
        Assert.All(verdicts, v => Assert.Equal(v.Count == 0 ? "params.count" : null, v.Field));
    }

    [Fact]
    public void A_job_naming_no_resources_holds_its_types_and_one_naming_some_holds_both_each_once_in_order()
    {
        var typeOnly = _catalog.Validate(new JobSubmission { Type = "report", Params = """{ "count": 1 }""" }, "job-1", Now);
        var both = _catalog.Validate(new JobSubmission { Type = "report", Params = """{ "count": 1 }""", Resources = ["model:llama", "gpu", "gpu"] }, "job-2", Now);
        var none = _catalog.Validate(new JobSubmission { Type = "cleanup" }, "job-3", Now);

        Assert.Equal(["model:llama"], typeOnly.Resources);
        Assert.Equal(["gpu", "model:llama"], both.Resources);
        Assert.Empty(none.Resources);
    }

    private void AssertRefused(JobSubmission submission, string field, string message)
    {
        var failure = Refused(submission);

        Assert.Equal(field, failure.Field);
        Assert.Equal(message, failure.Message);
    }

    private JobValidationException Refused(JobSubmission submission) =>
        Assert.Throws<JobValidationException>(() => _catalog.Validate(submission, "job-1", Now));

    private static Task<object?> Nothing(JobContext context) => Task.FromResult<object?>(null);

    private sealed record ExportParams(int Count);

    private sealed class ExportHandler : IJobHandler<ExportParams>
    {
        public Task<object?> RunAsync(ExportParams parameters, JobContext context) => Task.FromResult<object?>(null);
    }
}
