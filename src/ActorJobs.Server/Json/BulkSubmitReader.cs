using System.Buffers;
using System.Text.Json;
using ActorJobs.Client.Contracts;
using ActorJobs.Jobs;
using ActorJobs.Server.Mapping;
using ActorJobs.Server.Problems;

namespace ActorJobs.Server.Json;

/// <summary>
/// Reads a <c>POST /jobs/bulk</c> body straight into engine submissions in one pass of a <see cref="Utf8JsonReader"/>,
/// with no request object per job in between. It takes and refuses what the serializer takes and refuses for
/// <see cref="SubmitJobsRequest"/> under <see cref="RequestJson"/>'s options: field names in any case, no unknown or
/// repeated field, numbers only as numbers, the depth limit. Every problem names its field as <c>jobs[i].field</c>.
/// </summary>
internal static class BulkSubmitReader
{
    // The fields of a job, in the order of SubmitJobRequest.
    private enum JobField
    {
        Type,
        Params,
        Priority,
        IdempotencyKey,
        NotBefore,
        TimeoutSeconds,
        MaxRetries,
        Resources,
        Owner,
        Queue,
    }

    private static readonly (string Name, byte[] Utf8, JobField Field)[] Fields =
    [
        ("type", "type"u8.ToArray(), JobField.Type),
        ("params", "params"u8.ToArray(), JobField.Params),
        ("priority", "priority"u8.ToArray(), JobField.Priority),
        ("idempotencyKey", "idempotencyKey"u8.ToArray(), JobField.IdempotencyKey),
        ("notBefore", "notBefore"u8.ToArray(), JobField.NotBefore),
        ("timeoutSeconds", "timeoutSeconds"u8.ToArray(), JobField.TimeoutSeconds),
        ("maxRetries", "maxRetries"u8.ToArray(), JobField.MaxRetries),
        ("resources", "resources"u8.ToArray(), JobField.Resources),
        ("owner", "owner"u8.ToArray(), JobField.Owner),
        ("queue", "queue"u8.ToArray(), JobField.Queue),
    ];

    /// <summary>The jobs of <paramref name="body"/>, in order, as submissions into <paramref name="tenant"/>.</summary>
    /// <exception cref="ApiProblemException">400: the body is not JSON of the bulk form; the problem names the field.</exception>
    /// <exception cref="JobValidationException">No jobs, more than <paramref name="maxJobs"/>, or a value out of range.</exception>
    public static IReadOnlyList<JobSubmission> Read(ReadOnlySequence<byte> body, string tenant, int maxDepth, int maxJobs)
    {
        // The serializer skips a UTF-8 byte order mark at the start; so does this.
        if (body.FirstSpan.StartsWith("\uFEFF"u8))
        {
            body = body.Slice(3);
        }

        if (IsBlank(body))
        {
            throw JsonProblems.Empty();
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        var where = new Where();
        try
        {
            return ReadBody(ref reader, tenant, maxJobs, body.Length, where);
        }
        catch (JsonException e)
        {
            // Only the reader throws these here: bad JSON, or nesting past the limit, at the place it was reading.
            throw e.Message.Contains("maximum configured depth", StringComparison.Ordinal)
                ? JsonProblems.TooDeep(where.ToString(), maxDepth)
                : JsonProblems.Malformed(where.ToString(), e.Message);
        }
    }

    private static List<JobSubmission> ReadBody(ref Utf8JsonReader reader, string tenant, int maxJobs, long length, Where where)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            reader.Read();
            throw JsonProblems.Null();
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw JsonProblems.WrongType("body", JsonProblems.ExpectedObject);
        }

        List<JobSubmission>? jobs = null;
        var seen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("jobs"u8) && !string.Equals(reader.GetString(), "jobs", StringComparison.OrdinalIgnoreCase))
            {
                throw JsonProblems.UnknownField(reader.GetString()!);
            }

            if (seen)
            {
                throw JsonProblems.Duplicate(reader.GetString()!);
            }

            seen = true;
            where.Top = "jobs";
            reader.Read();
            jobs = ReadJobs(ref reader, tenant, maxJobs, length, where);
            where.Top = null;
        }

        // Past the closing brace the reader throws on anything but white space.
        reader.Read();
        return jobs is { Count: > 0 } ? jobs : throw new JobValidationException("jobs", "must be a non-empty array of jobs");
    }

    private static List<JobSubmission>? ReadJobs(ref Utf8JsonReader reader, string tenant, int maxJobs, long length, Where where)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw JsonProblems.WrongType("jobs", JsonProblems.ExpectedArray);
        }

        // A plain job with its comma, {"type":"noop"}, is 16 bytes: room for a body of those at once, up to the limit.
        var jobs = new List<JobSubmission>((int)Math.Min(maxJobs, (length / 16) + 1));
        var count = 0;
        string? lastType = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            where.Job = count;
            if (count >= maxJobs)
            {
                // Counted to say how many were sent, but not read into submissions.
                reader.Skip();
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                try
                {
                    jobs.Add(ReadJob(ref reader, tenant, ref lastType, where));
                }
                catch (JobValidationException e)
                {
                    throw new JobValidationException($"jobs[{count}].{e.Field}", e.Problem);
                }
            }
            else
            {
                throw reader.TokenType == JsonTokenType.Null
                    ? new JobValidationException($"jobs[{count}]", "must be a job, not null")
                    : JsonProblems.WrongType($"jobs[{count}]", JsonProblems.ExpectedObject);
            }

            count++;
            where.Job = -1;
        }

        return count > maxJobs
            ? throw new JobValidationException("jobs", $"has {count} jobs; at most {maxJobs} are accepted per request (ActorJobs:Server:MaxBulkJobs)")
            : jobs;
    }

    private static JobSubmission ReadJob(ref Utf8JsonReader reader, string tenant, ref string? lastType, Where where)
    {
        string? type = null, parameters = null, key = null, owner = null, queue = null;
        int? priority = null, maxRetries = null;
        DateTimeOffset? notBefore = null;
        TimeSpan? timeout = null;
        List<string>? resources = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var (name, field) = FieldOf(ref reader, where);
            var bit = 1 << (int)field;
            if ((seen & bit) != 0)
            {
                // Named as written, as the serializer names it ("Type" after "type").
                throw JsonProblems.Duplicate(where.Of(reader.GetString()!));
            }

            seen |= bit;
            where.Field = name;
            reader.Read();
            switch (field)
            {
                case JobField.Type:
                    type = reader.TokenType == JsonTokenType.String && lastType is not null && reader.ValueTextEquals(lastType)
                        ? lastType
                        : lastType = Text(ref reader, where);
                    break;
                case JobField.Params:
                    parameters = SubmissionMapping.ParamsText(Element(ref reader), name);
                    break;
                case JobField.Priority:
                    priority = SubmissionMapping.Priority(Element(ref reader), name);
                    break;
                case JobField.IdempotencyKey:
                    key = Text(ref reader, where);
                    break;
                case JobField.NotBefore:
                    notBefore = reader.TokenType switch
                    {
                        JsonTokenType.Null => null,
                        JsonTokenType.String when reader.TryGetDateTimeOffset(out var at) => at,
                        _ => throw JsonProblems.WrongType(where.ToString(), JsonProblems.ExpectedInstant),
                    };
                    break;
                case JobField.TimeoutSeconds:
                    timeout = reader.TokenType switch
                    {
                        JsonTokenType.Null => null,
                        JsonTokenType.Number when reader.TryGetDouble(out var seconds) => SubmissionMapping.TimeoutOf(seconds, name),
                        _ => throw JsonProblems.WrongType(where.ToString(), JsonProblems.ExpectedNumber),
                    };
                    break;
                case JobField.MaxRetries:
                    maxRetries = reader.TokenType switch
                    {
                        JsonTokenType.Null => null,
                        JsonTokenType.Number when reader.TryGetInt32(out var retries) => SubmissionMapping.MaxRetriesOf(retries, name),
                        _ => throw JsonProblems.WrongType(where.ToString(), JsonProblems.ExpectedNumber),
                    };
                    break;
                case JobField.Resources:
                    resources = Texts(ref reader, where);
                    break;
                case JobField.Owner:
                    owner = Text(ref reader, where);
                    break;
                case JobField.Queue:
                    queue = Text(ref reader, where);
                    break;
            }

            where.Field = null;
        }

        return new JobSubmission
        {
            Type = SubmissionMapping.RequiredType(type),
            Tenant = tenant,
            Owner = owner,
            IdempotencyKey = key,
            Params = parameters,
            Priority = priority,
            NotBefore = notBefore,
            Timeout = timeout,
            MaxRetries = maxRetries,
            Resources = resources,
            Queue = queue,
        };
    }

    // The field a property name names: its exact camelCase name first, as clients send it, then any other case.
    private static (string Name, JobField Field) FieldOf(ref Utf8JsonReader reader, Where where)
    {
        foreach (var (name, utf8, field) in Fields)
        {
            if (reader.ValueTextEquals(utf8))
            {
                return (name, field);
            }
        }

        var written = reader.GetString()!;
        foreach (var (name, _, field) in Fields)
        {
            if (string.Equals(written, name, StringComparison.OrdinalIgnoreCase))
            {
                return (name, field);
            }
        }

        throw JsonProblems.UnknownField(where.Of(written));
    }

    private static string? Text(ref Utf8JsonReader reader, Where where) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw JsonProblems.WrongType(where.ToString(), JsonProblems.ExpectedString),
    };

    private static List<string>? Texts(ref Utf8JsonReader reader, Where where)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw JsonProblems.WrongType(where.ToString(), JsonProblems.ExpectedArray);
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // The serializer keeps a null entry as null; the engine's check of resource names refuses it.
            values.Add(reader.TokenType switch
            {
                JsonTokenType.Null => null!,
                JsonTokenType.String => reader.GetString()!,
                _ => throw JsonProblems.WrongType($"{where}[{values.Count}]", JsonProblems.ExpectedString),
            });
        }

        return values;
    }

    // Any JSON value, as the serializer gives a JsonElement? field: null for the literal null.
    private static JsonElement? Element(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : JsonElement.ParseValue(ref reader);

    private static bool IsBlank(ReadOnlySequence<byte> body)
    {
        foreach (var segment in body)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where the reader is, to name the field when the JSON itself is wrong.</summary>
    private sealed class Where
    {
        /// <summary>The body's field being read (only <c>jobs</c> has a value worth reading), or null between fields.</summary>
        public string? Top { get; set; }

        /// <summary>The index of the job being read, or -1 outside the jobs.</summary>
        public int Job { get; set; } = -1;

        /// <summary>The current job's field being read, or null between fields.</summary>
        public string? Field { get; set; }

        /// <summary>The API's name of <paramref name="field"/> of the current job.</summary>
        public string Of(string field) => Job < 0 ? field : $"jobs[{Job}].{field}";

        public override string ToString() => Job < 0 ? Top ?? "body" : Field is null ? $"jobs[{Job}]" : $"jobs[{Job}].{Field}";
    }
}
