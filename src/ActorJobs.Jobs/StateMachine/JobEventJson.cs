using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.Jobs;

/// <summary>
/// The job events' JSON written by source-generated code: the same JSON the reflection serializer writes (web
/// defaults), without its per-property dispatch. Every submit serializes a <see cref="JobSubmitted"/>, so this is on
/// the submit path.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JobSubmitted))]
[JsonSerializable(typeof(JobClaimed))]
[JsonSerializable(typeof(JobProgressed))]
[JsonSerializable(typeof(JobCompleted))]
[JsonSerializable(typeof(JobAttemptFailed))]
[JsonSerializable(typeof(JobCancelRequested))]
[JsonSerializable(typeof(JobCanceled))]
[JsonSerializable(typeof(JobSuspendRequested))]
[JsonSerializable(typeof(JobSuspended))]
[JsonSerializable(typeof(JobResumeRequested))]
[JsonSerializable(typeof(JobResumed))]
[JsonSerializable(typeof(JobRequeued))]
[JsonSerializable(typeof(JobSkipped))]
[JsonSerializable(typeof(JobReleased))]
internal sealed partial class JobEventJsonContext : JsonSerializerContext;

/// <summary>The serializer a job store uses.</summary>
public static class JobEventJson
{
    /// <summary>
    /// A serializer with the job events registered (<see cref="JobEventManifests.RegisterJobEvents"/>), their JSON
    /// source-generated; types registered later (a user's own events) are serialized by reflection, as before.
    /// </summary>
    public static EventSerializer CreateSerializer() =>
        new EventSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(JobEventJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        }).RegisterJobEvents();
}
