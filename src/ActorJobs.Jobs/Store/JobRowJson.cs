using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorJobs.Jobs.Store;

/// <summary>
/// How a job row's <c>state</c> column holds a <see cref="JobState"/>, in every database backend: the web defaults of
/// <see cref="JobJson"/>, with statuses by their wire names, as everywhere else in the database.
/// </summary>
/// <remarks>
/// Every job transition writes this JSON and every claim reads it, so it is written and read by hand
/// (<see cref="Write"/>, <see cref="TryRead"/>) rather than through the reflection serializer, which cost a fifth of
/// the engine's CPU. The text is what <see cref="JsonSerializer"/> writes with <see cref="Options"/>, less the optional
/// properties that are null (a test holds the two to it), so rows written before and after read the same either way;
/// a row the hand-written reader does not expect (other casing, numbers as strings, unknown fields) is read by the
/// serializer.
/// </remarks>
internal static partial class JobRowJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(JobState state) => Encoding.UTF8.GetString(WriteToThreadBuffer(state));

    /// <summary>The row JSON of <paramref name="state"/> as UTF-8 bytes of its own.</summary>
    public static byte[] SerializeToUtf8Bytes(JobState state) => WriteToThreadBuffer(state).ToArray();

    public static JobState Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, rented);
            return Deserialize(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static JobState Deserialize(ReadOnlySpan<byte> utf8Json) =>
        TryRead(utf8Json, out var state)
            ? state
            : JsonSerializer.Deserialize<JobState>(utf8Json, Options) ?? throw new JsonException("A job row's state is JSON null.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JobJson.Options);
        options.Converters.Add(new JobStatusWireNameConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class JobStatusWireNameConverter : JsonConverter<JobStatus>
    {
        public override JobStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            JobStatuses.TryParse(reader.GetString(), out var status)
                ? status
                : throw new JsonException($"'{reader.GetString()}' is not a job status.");

        public override void Write(Utf8JsonWriter writer, JobStatus value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.WireName());
    }

    // The thread's own buffer and writer: valid until the thread writes the next row.
    private static ReadOnlySpan<byte> WriteToThreadBuffer(JobState state)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder, SkipValidation = true });
        writer.Reset(buffer);
        Write(writer, state);
        writer.Flush();
        return buffer.WrittenSpan;
    }
}
