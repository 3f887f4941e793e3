using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ActorJobs.Persistence.Journal;
using ActorJobs.Persistence.Snapshots;

namespace ActorJobs.Persistence.Serialization;

/// <summary>
/// Turns events and snapshot states into JSON under stable string manifests and back. Every type is registered
/// under a name of its own (<c>Register&lt;JobSubmitted&gt;("job.submitted.v1")</c>); the name, never the CLR type
/// name, is what the journal stores, so renaming or moving a class breaks nothing already written. A type whose
/// shape changes incompatibly gets a new manifest (<c>.v2</c>) while the old one stays registered for replay.
/// </summary>
/// <remarks>Register every type at startup; registration and use may overlap safely, but a replay meets only
/// the manifests registered by then.</remarks>
public sealed class EventSerializer
{
    private readonly JsonSerializerOptions _options;
    private readonly ConcurrentDictionary<string, JsonTypeInfo> _byManifest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, Registration> _byType = new();
    private readonly Lock _registrationLock = new();

    /// <summary>Creates a serializer.</summary>
    /// <param name="options">
    /// JSON settings (for example a source-generated context as type resolver). They are made read-only here.
    /// When null, the web defaults apply (camelCase names).
    /// </param>
    public EventSerializer(JsonSerializerOptions? options = null)
    {
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <summary>Registers <typeparamref name="T"/> under <paramref name="manifest"/>.</summary>
    /// <typeparam name="T">The event or snapshot-state type.</typeparam>
    /// <param name="manifest">A stable name such as <c>job.submitted.v1</c>.</param>
    /// <returns>This serializer, to chain registrations.</returns>
    /// <exception cref="ArgumentException">The manifest is empty, or it or the type is already registered differently.</exception>
    public EventSerializer Register<T>(string manifest)
    {
        if (string.IsNullOrWhiteSpace(manifest))
        {
            throw new ArgumentException($"The manifest for {typeof(T).Name} must not be empty.", nameof(manifest));
        }

        lock (_registrationLock)
        {
            if (_byManifest.TryGetValue(manifest, out var existing) && existing.Type != typeof(T))
            {
                throw new ArgumentException(
                    $"Manifest '{manifest}' is already registered for {existing.Type.Name}; one manifest names exactly one type.",
                    nameof(manifest));
            }

            if (_byType.TryGetValue(typeof(T), out var registered) && registered.Manifest != manifest)
            {
                throw new ArgumentException(
                    $"{typeof(T).Name} is already registered under manifest '{registered.Manifest}'; a type is written under one manifest.",
                    nameof(manifest));
            }

            var typeInfo = _options.GetTypeInfo(typeof(T));
            _byManifest[manifest] = typeInfo;
            _byType[typeof(T)] = new Registration(manifest, typeInfo);
        }

        return this;
    }

    /// <summary>The manifest <paramref name="type"/> is registered under.</summary>
    /// <param name="type">A registered type.</param>
    /// <exception cref="InvalidOperationException">The type is not registered.</exception>
    public string ManifestOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return RegistrationOf(type).Manifest;
    }

    /// <summary>Serializes an event for the journal.</summary>
    /// <param name="sequenceNr">The event's sequence number.</param>
    /// <param name="event">An instance of a registered type.</param>
    /// <param name="tags">Optional labels stored with the event.</param>
    /// <exception cref="InvalidOperationException">The event's type is not registered.</exception>
    public SerializedEvent ToSerializedEvent(long sequenceNr, object @event, IReadOnlyList<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var registration = RegistrationOf(@event.GetType());
        return new SerializedEvent(sequenceNr, registration.Manifest, JsonSerializer.SerializeToUtf8Bytes(@event, registration.TypeInfo), tags);
    }

    /// <summary>Serializes a snapshot of an entity's state.</summary>
    /// <param name="metadata">Entity, sequence number and time of the snapshot.</param>
    /// <param name="state">An instance of a registered type.</param>
    /// <exception cref="InvalidOperationException">The state's type is not registered.</exception>
    public StoredSnapshot ToSnapshot(SnapshotMetadata metadata, object state)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(state);
        var registration = RegistrationOf(state.GetType());
        return new StoredSnapshot(metadata, registration.Manifest, JsonSerializer.SerializeToUtf8Bytes(state, registration.TypeInfo));
    }

    /// <summary>Deserializes a replayed event.</summary>
    /// <param name="storedEvent">The event as the journal returned it.</param>
    /// <exception cref="RecoveryFailedException">The manifest is unknown or the payload is not valid for its type; the message names the entity and sequence number.</exception>
    public object DeserializeEvent(StoredEvent storedEvent)
    {
        ArgumentNullException.ThrowIfNull(storedEvent);
        return Deserialize(storedEvent.PersistenceId, storedEvent.SequenceNr, storedEvent.Manifest, storedEvent.Payload.Span, "event");
    }

    /// <summary>Deserializes a loaded snapshot.</summary>
    /// <param name="snapshot">The snapshot as the store returned it.</param>
    /// <exception cref="RecoveryFailedException">The manifest is unknown or the payload is not valid for its type; the message names the entity and sequence number.</exception>
    public object DeserializeSnapshot(StoredSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Deserialize(snapshot.Metadata.PersistenceId, snapshot.Metadata.SequenceNr, snapshot.Manifest, snapshot.Payload.Span, "snapshot");
    }

    private object Deserialize(string persistenceId, long sequenceNr, string manifest, ReadOnlySpan<byte> payload, string what)
    {
        if (!_byManifest.TryGetValue(manifest, out var typeInfo))
        {
            throw new RecoveryFailedException(persistenceId, sequenceNr, manifest,
                $"Recovery of '{persistenceId}' failed at the {what} with sequence number {sequenceNr}: " +
                $"no type is registered under manifest '{manifest}'. Register it before recovering; the stored {what} was left as it is.");
        }

        object? value;
        try
        {
            value = JsonSerializer.Deserialize(payload, typeInfo);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new RecoveryFailedException(persistenceId, sequenceNr, manifest,
                $"Recovery of '{persistenceId}' failed at the {what} with sequence number {sequenceNr}: " +
                $"its payload is not a valid {typeInfo.Type.Name} (manifest '{manifest}'): {e.Message} The stored {what} was left as it is.", e);
        }

        return value ?? throw new RecoveryFailedException(persistenceId, sequenceNr, manifest,
            $"Recovery of '{persistenceId}' failed at the {what} with sequence number {sequenceNr}: " +
            $"its payload is JSON null, not a {typeInfo.Type.Name} (manifest '{manifest}'). The stored {what} was left as it is.");
    }

    private Registration RegistrationOf(Type type) =>
        _byType.TryGetValue(type, out var registration)
            ? registration
            : throw new InvalidOperationException(
                $"{type.Name} has no manifest: register it with Register<{type.Name}>(\"a.stable.name.v1\") before persisting it.");

    private readonly record struct Registration(string Manifest, JsonTypeInfo TypeInfo);
}
