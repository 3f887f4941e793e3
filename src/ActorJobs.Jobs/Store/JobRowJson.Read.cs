using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ActorJobs.Jobs.Store;

/// <summary>Reading a row's state by hand; anything it does not expect is left to the serializer.</summary>
internal static partial class JobRowJson
{
    private static readonly byte[][] StatusNames = [.. JobStatuses.All.Select(s => Encoding.UTF8.GetBytes(s.WireName()))];

    /// <summary>
    /// Reads a state as <see cref="Write"/> (or the serializer) wrote it, in any property order. False for anything
    /// else (other casing, numbers as strings, an unknown field, a missing required one): the caller then lets the
    /// serializer read it, which accepts what it accepts and explains what it does not.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8Json, out JobState state)
    {
        state = null!;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            return TryReadState(ref reader, out state) && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryReadState(ref Utf8JsonReader reader, out JobState state)
    {
        state = null!;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        string? id = null, tenant = null, owner = null, idempotencyKey = null, type = null, queue = null;
        string? progressDetails = null, result = null, error = null, checkpoint = null, leaseOwner = null;
        string? parameters = "{}";
        IReadOnlyList<string>? resources = [];
        RetryPolicy? retry = null;
        var hasRetry = false;
        var priority = JobPriority.Normal;
        var status = default(JobStatus);
        double progress = 0;
        int attempt = 0, maxAttempts = 1;
        var timeout = TimeSpan.Zero;
        var suspendable = false;
        long fence = 0, version = 0;
        DateTimeOffset createdAt = default, scheduledAt = default, updatedAt = default;
        DateTimeOffset? startedAt = null, finishedAt = null;

        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                if (id is null || tenant is null || type is null || queue is null || !hasRetry)
                {
                    return false;
                }

                state = new JobState
                {
                    Id = id,
                    Tenant = tenant,
                    Owner = owner,
                    IdempotencyKey = idempotencyKey,
                    Type = type,
                    Queue = queue,
                    Priority = priority,
                    Params = parameters!,
                    Resources = resources!,
                    Status = status,
                    Progress = progress,
                    ProgressDetails = progressDetails,
                    Result = result,
                    Error = error,
                    Attempt = attempt,
                    MaxAttempts = maxAttempts,
                    Timeout = timeout,
                    Retry = retry!,
                    Suspendable = suspendable,
                    Checkpoint = checkpoint,
                    LeaseOwner = leaseOwner,
                    Fence = fence,
                    CreatedAt = createdAt,
                    ScheduledAt = scheduledAt,
                    StartedAt = startedAt,
                    FinishedAt = finishedAt,
                    UpdatedAt = updatedAt,
                    Version = version,
                };
                return true;
            }

            if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped)
            {
                return false;
            }

            var name = reader.HasValueSequence ? default : reader.ValueSpan;
            if (name.IsEmpty || !reader.Read())
            {
                return false;
            }

            bool ok;
            switch (name.Length)
            {
                case 2 when name.SequenceEqual("id"u8):
                    ok = TryString(ref reader, out id);
                    break;
                case 6 when name.SequenceEqual("tenant"u8):
                    ok = TryString(ref reader, out tenant);
                    break;
                case 5 when name.SequenceEqual("owner"u8):
                    ok = TryString(ref reader, out owner);
                    break;
                case 14 when name.SequenceEqual("idempotencyKey"u8):
                    ok = TryString(ref reader, out idempotencyKey);
                    break;
                case 4 when name.SequenceEqual("type"u8):
                    ok = TryString(ref reader, out type);
                    break;
                case 5 when name.SequenceEqual("queue"u8):
                    ok = TryString(ref reader, out queue);
                    break;
                case 8 when name.SequenceEqual("priority"u8):
                    ok = TryInt32(ref reader, out priority);
                    break;
                case 6 when name.SequenceEqual("params"u8):
                    ok = TryString(ref reader, out parameters);
                    break;
                case 9 when name.SequenceEqual("resources"u8):
                    ok = TryStrings(ref reader, out resources);
                    break;
                case 6 when name.SequenceEqual("status"u8):
                    ok = TryStatus(ref reader, out status);
                    break;
                case 8 when name.SequenceEqual("progress"u8):
                    ok = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out progress);
                    break;
                case 15 when name.SequenceEqual("progressDetails"u8):
                    ok = TryString(ref reader, out progressDetails);
                    break;
                case 6 when name.SequenceEqual("result"u8):
                    ok = TryString(ref reader, out result);
                    break;
                case 5 when name.SequenceEqual("error"u8):
                    ok = TryString(ref reader, out error);
                    break;
                case 7 when name.SequenceEqual("attempt"u8):
                    ok = TryInt32(ref reader, out attempt);
                    break;
                case 11 when name.SequenceEqual("maxAttempts"u8):
                    ok = TryInt32(ref reader, out maxAttempts);
                    break;
                case 7 when name.SequenceEqual("timeout"u8):
                    ok = TryTimeSpan(ref reader, out timeout);
                    break;
                case 5 when name.SequenceEqual("retry"u8):
                    ok = TryRetry(ref reader, out retry);
                    hasRetry = ok;
                    break;
                case 11 when name.SequenceEqual("suspendable"u8):
                    ok = TryBoolean(ref reader, out suspendable);
                    break;
                case 10 when name.SequenceEqual("checkpoint"u8):
                    ok = TryString(ref reader, out checkpoint);
                    break;
                case 10 when name.SequenceEqual("leaseOwner"u8):
                    ok = TryString(ref reader, out leaseOwner);
                    break;
                case 5 when name.SequenceEqual("fence"u8):
                    ok = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out fence);
                    break;
                case 9 when name.SequenceEqual("createdAt"u8):
                    ok = TryTime(ref reader, out createdAt);
                    break;
                case 11 when name.SequenceEqual("scheduledAt"u8):
                    ok = TryTime(ref reader, out scheduledAt);
                    break;
                case 9 when name.SequenceEqual("startedAt"u8):
                    ok = TryTimeOrNull(ref reader, out startedAt);
                    break;
                case 10 when name.SequenceEqual("finishedAt"u8):
                    ok = TryTimeOrNull(ref reader, out finishedAt);
                    break;
                case 9 when name.SequenceEqual("updatedAt"u8):
                    ok = TryTime(ref reader, out updatedAt);
                    break;
                case 7 when name.SequenceEqual("version"u8):
                    ok = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out version);
                    break;
                default:
                    ok = false;
                    break;
            }

            if (!ok)
            {
                return false;
            }
        }

        return false;
    }

    private static bool TryRetry(ref Utf8JsonReader reader, out RetryPolicy? retry)
    {
        retry = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        int maxRetries = 0, backoff = 0;
        TimeSpan initialDelay = default, maxDelay = default;
        var jitter = 0.2;
        bool retryOnTimeout = true, deadLetter = true;
        var seen = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                // The four without a default in the policy's constructor must all be there.
                if (seen != 0b1111)
                {
                    return false;
                }

                retry = new RetryPolicy(maxRetries, (BackoffKind)backoff, initialDelay, maxDelay, jitter, retryOnTimeout, deadLetter);
                return true;
            }

            if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped || reader.HasValueSequence)
            {
                return false;
            }

            var name = reader.ValueSpan;
            if (!reader.Read())
            {
                return false;
            }

            bool ok;
            if (name.SequenceEqual("maxRetries"u8))
            {
                ok = TryInt32(ref reader, out maxRetries);
                seen |= 1;
            }
            else if (name.SequenceEqual("backoff"u8))
            {
                ok = TryInt32(ref reader, out backoff);
                seen |= 2;
            }
            else if (name.SequenceEqual("initialDelay"u8))
            {
                ok = TryTimeSpan(ref reader, out initialDelay);
                seen |= 4;
            }
            else if (name.SequenceEqual("maxDelay"u8))
            {
                ok = TryTimeSpan(ref reader, out maxDelay);
                seen |= 8;
            }
            else if (name.SequenceEqual("jitter"u8))
            {
                ok = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out jitter);
            }
            else if (name.SequenceEqual("retryOnTimeout"u8))
            {
                ok = TryBoolean(ref reader, out retryOnTimeout);
            }
            else if (name.SequenceEqual("deadLetter"u8))
            {
                ok = TryBoolean(ref reader, out deadLetter);
            }
            else if (name.SequenceEqual("maxAttempts"u8))
            {
                // Derived from maxRetries; written for readers of the row, never read back.
                ok = reader.TokenType == JsonTokenType.Number;
            }
            else
            {
                ok = false;
            }

            if (!ok)
            {
                return false;
            }
        }

        return false;
    }

    private static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = reader.GetString();
        return true;
    }

    private static bool TryStrings(ref Utf8JsonReader reader, out IReadOnlyList<string>? values)
    {
        values = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        List<string>? list = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                values = list is null ? [] : list;
                return true;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            (list ??= []).Add(reader.GetString()!);
        }

        return false;
    }

    private static bool TryInt32(ref Utf8JsonReader reader, out int value)
    {
        value = 0;
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out value);
    }

    private static bool TryBoolean(ref Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False;
    }

    private static bool TryStatus(ref Utf8JsonReader reader, out JobStatus status)
    {
        status = default;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        var text = reader.ValueSpan;
        for (var i = 0; i < StatusNames.Length; i++)
        {
            if (text.SequenceEqual(StatusNames[i]))
            {
                status = JobStatuses.All[i];
                return true;
            }
        }

        return false;
    }

    private static bool TryTime(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        value = default;
        return reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out value);
    }

    private static bool TryTimeOrNull(ref Utf8JsonReader reader, out DateTimeOffset? value)
    {
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (!TryTime(ref reader, out var time))
        {
            return false;
        }

        value = time;
        return true;
    }

    // The serializer's own converter, so exactly the texts it accepts are read.
    private static bool TryTimeSpan(ref Utf8JsonReader reader, out TimeSpan value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        value = JsonMetadataServices.TimeSpanConverter.Read(ref reader, typeof(TimeSpan), Options);
        return true;
    }
}
