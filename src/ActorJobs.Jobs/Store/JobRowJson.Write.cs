using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ActorJobs.Jobs.Store;

/// <summary>
/// Writing a row's state by hand: the properties in declaration order, as the serializer writes them, except that an
/// optional property with no value is left out (read back, it is null again, as in rows written with every property).
/// A waiting job's row is a quarter shorter, and every transition writes one.
/// </summary>
internal static partial class JobRowJson
{
    /// <summary>Writes <paramref name="state"/> as one JSON object: what the serializer writes, without the optional properties that are null.</summary>
    public static void Write(Utf8JsonWriter writer, JobState state)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(state);
        writer.WriteStartObject();
        writer.WriteString(Names.Id, state.Id);
        writer.WriteString(Names.Tenant, state.Tenant);
        StringIfAny(writer, Names.Owner, state.Owner);
        StringIfAny(writer, Names.IdempotencyKey, state.IdempotencyKey);
        writer.WriteString(Names.Type, state.Type);
        writer.WriteString(Names.Queue, state.Queue);
        writer.WriteNumber(Names.Priority, state.Priority);
        StringOrNull(writer, Names.Params, state.Params);
        if (state.Resources is null)
        {
            writer.WriteNull(Names.Resources);
        }
        else
        {
            writer.WriteStartArray(Names.Resources);
            foreach (var resource in state.Resources)
            {
                writer.WriteStringValue(resource);
            }

            writer.WriteEndArray();
        }

        writer.WriteString(Names.Status, state.Status.WireName());
        writer.WriteNumber(Names.Progress, state.Progress);
        StringIfAny(writer, Names.ProgressDetails, state.ProgressDetails);
        StringIfAny(writer, Names.Result, state.Result);
        StringIfAny(writer, Names.Error, state.Error);
        writer.WriteNumber(Names.Attempt, state.Attempt);
        writer.WriteNumber(Names.MaxAttempts, state.MaxAttempts);
        writer.WritePropertyName(Names.Timeout);
        TimeSpanValue(writer, state.Timeout);
        if (state.Retry is { } retry)
        {
            writer.WriteStartObject(Names.Retry);
            writer.WriteNumber(Names.MaxRetries, retry.MaxRetries);
            writer.WriteNumber(Names.Backoff, (int)retry.Backoff);
            writer.WritePropertyName(Names.InitialDelay);
            TimeSpanValue(writer, retry.InitialDelay);
            writer.WritePropertyName(Names.MaxDelay);
            TimeSpanValue(writer, retry.MaxDelay);
            writer.WriteNumber(Names.Jitter, retry.Jitter);
            writer.WriteBoolean(Names.RetryOnTimeout, retry.RetryOnTimeout);
            writer.WriteBoolean(Names.DeadLetter, retry.DeadLetter);
            writer.WriteNumber(Names.MaxAttempts, retry.MaxAttempts);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(Names.Retry);
        }

        writer.WriteBoolean(Names.Suspendable, state.Suspendable);
        StringIfAny(writer, Names.Checkpoint, state.Checkpoint);
        StringIfAny(writer, Names.LeaseOwner, state.LeaseOwner);
        writer.WriteNumber(Names.Fence, state.Fence);
        writer.WriteString(Names.CreatedAt, state.CreatedAt);
        writer.WriteString(Names.ScheduledAt, state.ScheduledAt);
        TimeIfAny(writer, Names.StartedAt, state.StartedAt);
        TimeIfAny(writer, Names.FinishedAt, state.FinishedAt);
        writer.WriteString(Names.UpdatedAt, state.UpdatedAt);
        writer.WriteNumber(Names.Version, state.Version);
        writer.WriteEndObject();
    }

    private static void StringOrNull(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void StringIfAny(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void TimeIfAny(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
    }

    // The serializer's own converter, so the text is its "c" format exactly.
    private static void TimeSpanValue(Utf8JsonWriter writer, TimeSpan value) =>
        JsonMetadataServices.TimeSpanConverter.Write(writer, value, Options);

    /// <summary>The property names, camelCase as the web defaults name them.</summary>
    private static class Names
    {
        public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
        public static readonly JsonEncodedText Tenant = JsonEncodedText.Encode("tenant");
        public static readonly JsonEncodedText Owner = JsonEncodedText.Encode("owner");
        public static readonly JsonEncodedText IdempotencyKey = JsonEncodedText.Encode("idempotencyKey");
        public static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
        public static readonly JsonEncodedText Queue = JsonEncodedText.Encode("queue");
        public static readonly JsonEncodedText Priority = JsonEncodedText.Encode("priority");
        public static readonly JsonEncodedText Params = JsonEncodedText.Encode("params");
        public static readonly JsonEncodedText Resources = JsonEncodedText.Encode("resources");
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
        public static readonly JsonEncodedText Progress = JsonEncodedText.Encode("progress");
        public static readonly JsonEncodedText ProgressDetails = JsonEncodedText.Encode("progressDetails");
        public static readonly JsonEncodedText Result = JsonEncodedText.Encode("result");
        public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
        public static readonly JsonEncodedText Attempt = JsonEncodedText.Encode("attempt");
        public static readonly JsonEncodedText MaxAttempts = JsonEncodedText.Encode("maxAttempts");
        public static readonly JsonEncodedText Timeout = JsonEncodedText.Encode("timeout");
        public static readonly JsonEncodedText Retry = JsonEncodedText.Encode("retry");
        public static readonly JsonEncodedText MaxRetries = JsonEncodedText.Encode("maxRetries");
        public static readonly JsonEncodedText Backoff = JsonEncodedText.Encode("backoff");
        public static readonly JsonEncodedText InitialDelay = JsonEncodedText.Encode("initialDelay");
        public static readonly JsonEncodedText MaxDelay = JsonEncodedText.Encode("maxDelay");
        public static readonly JsonEncodedText Jitter = JsonEncodedText.Encode("jitter");
        public static readonly JsonEncodedText RetryOnTimeout = JsonEncodedText.Encode("retryOnTimeout");
        public static readonly JsonEncodedText DeadLetter = JsonEncodedText.Encode("deadLetter");
        public static readonly JsonEncodedText Suspendable = JsonEncodedText.Encode("suspendable");
        public static readonly JsonEncodedText Checkpoint = JsonEncodedText.Encode("checkpoint");
        public static readonly JsonEncodedText LeaseOwner = JsonEncodedText.Encode("leaseOwner");
        public static readonly JsonEncodedText Fence = JsonEncodedText.Encode("fence");
        public static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode("createdAt");
        public static readonly JsonEncodedText ScheduledAt = JsonEncodedText.Encode("scheduledAt");
        public static readonly JsonEncodedText StartedAt = JsonEncodedText.Encode("startedAt");
        public static readonly JsonEncodedText FinishedAt = JsonEncodedText.Encode("finishedAt");
        public static readonly JsonEncodedText UpdatedAt = JsonEncodedText.Encode("updatedAt");
        public static readonly JsonEncodedText Version = JsonEncodedText.Encode("version");
    }
}
