using System.Text.Json.Serialization;

namespace ActorJobs.Persistence.Journal;

/// <summary>Source-generated JSON for <see cref="StoredTags"/>, so tag columns cost no reflection.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class StoredTagsJsonContext : JsonSerializerContext;
