using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorJobs.Jobs.Store;

/// <summary>
/// How a job row's <c>state</c> column holds a <see cref="JobState"/>, in every database backend: the web defaults of
/// <see cref="JobJson"/>, with statuses by their wire names, as everywhere else in the database.
/// </summary>
internal static class JobRowJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(JobState state) => JsonSerializer.Serialize(state, Options);

    public static JobState Deserialize(string json) =>
        JsonSerializer.Deserialize<JobState>(json, Options) ?? throw new JsonException("A job row's state is JSON null.");

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
}
