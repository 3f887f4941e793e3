using System.Globalization;
using System.Text.RegularExpressions;
using ActorJobs.Jobs;
using ActorJobs.Persistence.Sqlite;
using Microsoft.Extensions.Configuration;

namespace ActorJobs.Hosting;

/// <summary>
/// Reads configuration section <c>ActorJobs</c> over the settings the code gave. Every value it finds is checked, and a
/// bad one fails with an <see cref="ActorJobsConfigurationException"/> naming its full key; an unknown key inside the
/// sections read here (Storage, Node, Engine, Scheduler, a process job type) fails too, because a misspelt setting
/// silently ignored is a production surprise. Other sections under <c>ActorJobs</c> (the server's) are left alone.
/// </summary>
public static class ActorJobsConfiguration
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "ActorJobs";

    private static readonly string[] StorageKeys = ["Provider", "Path", "ConnectionString", "Synchronous"];
    private static readonly string[] NodeKeys = ["Id"];
    private static readonly string[] EngineKeys =
        ["LeaseDurationSeconds", "PollIntervalMs", "ResultTtlHours", "ShutdownDrainSeconds", "CancelGraceSeconds", "RescueIntervalSeconds"];

    private static readonly string[] SchedulerKeys = ["Enabled"];
    private static readonly string[] ProcessKeys = ["Executable", "AllowedArguments", "WorkingDirectory", "Environment", "TimeoutSeconds", "Group"];

    /// <summary>Merges section <c>ActorJobs</c> of <paramref name="configuration"/> (null: none) over <paramref name="fromCode"/>.</summary>
    /// <exception cref="ActorJobsConfigurationException">A value is unusable; the message starts with its key.</exception>
    public static ActorJobsSettings Read(IConfiguration? configuration, ActorJobsSettings? fromCode = null)
    {
        var settings = fromCode ?? new ActorJobsSettings();
        var root = configuration?.GetSection(SectionName);
        if (root is null || !root.GetChildren().Any())
        {
            return Check(settings);
        }

        settings = ReadStorage(root.GetSection("Storage"), settings);
        var node = root.GetSection("Node");
        RejectUnknown(node, NodeKeys);
        if (node["Id"] is { } nodeId)
        {
            settings = settings with { NodeId = Name(nodeId, node.GetSection("Id").Path) };
        }

        settings = ReadQueues(root.GetSection("Queues"), settings);
        settings = ReadEngine(root.GetSection("Engine"), settings);
        var scheduler = root.GetSection("Scheduler");
        RejectUnknown(scheduler, SchedulerKeys);
        if (scheduler["Enabled"] is { } enabled)
        {
            settings = settings with { SchedulerEnabled = Bool(enabled, scheduler.GetSection("Enabled").Path) };
        }

        settings = ReadProcessJobTypes(root.GetSection("ProcessJobTypes"), settings);
        return Check(settings);
    }

    private static ActorJobsSettings ReadStorage(IConfigurationSection storage, ActorJobsSettings settings)
    {
        RejectUnknown(storage, StorageKeys);
        if (storage["Provider"] is { } provider)
        {
            settings = settings with
            {
                StorageProvider = provider.Trim().ToLowerInvariant() switch
                {
                    StorageProviders.Sqlite => StorageProviders.Sqlite,
                    StorageProviders.PostgreSql or "postgres" => StorageProviders.PostgreSql,
                    _ => throw new ActorJobsConfigurationException(Key(storage, "Provider"), $"'{provider}' is not a storage provider; use sqlite or postgresql"),
                },
            };
        }

        if (storage["Path"] is { } path)
        {
            settings = settings with
            {
                SqlitePath = string.IsNullOrWhiteSpace(path)
                    ? throw new ActorJobsConfigurationException(Key(storage, "Path"), "is empty; give the SQLite file's path, for example ./data/actorjobs.db")
                    : path,
            };
        }

        if (storage["ConnectionString"] is { } connectionString)
        {
            settings = settings with { ConnectionString = connectionString };
        }

        if (storage["Synchronous"] is { } synchronous)
        {
            settings = settings with
            {
                SqliteSynchronous = synchronous.Trim().ToLowerInvariant() switch
                {
                    "full" => SqliteSynchronousMode.Full,
                    "normal" => SqliteSynchronousMode.Normal,
                    _ => throw new ActorJobsConfigurationException(Key(storage, "Synchronous"), $"'{synchronous}' is not a synchronous mode; use full or normal"),
                },
            };
        }

        return settings;
    }

    private static ActorJobsSettings ReadQueues(IConfigurationSection queues, ActorJobsSettings settings)
    {
        var capacities = new Dictionary<string, int>(settings.QueueCapacities, StringComparer.Ordinal);
        foreach (var queue in queues.GetChildren())
        {
            if (queue.Value is null)
            {
                throw new ActorJobsConfigurationException(queue.Path, "is not a capacity; give a whole number of workers, for example \"ActorJobs:Queues:compute\": 2");
            }

            var name = Name(queue.Key, queue.Path);
            var capacity = Int(queue.Value, queue.Path, 1, QueueDefinition.MaxCapacity, "workers");
            capacities[name] = capacity;
        }

        return settings with { QueueCapacities = capacities };
    }

    private static ActorJobsSettings ReadEngine(IConfigurationSection engine, ActorJobsSettings settings)
    {
        RejectUnknown(engine, EngineKeys);
        if (engine["LeaseDurationSeconds"] is { } lease)
        {
            settings = settings with { LeaseDuration = Duration(lease, Key(engine, "LeaseDurationSeconds"), TimeSpan.FromSeconds, TimeSpan.FromDays(1)) };
        }

        if (engine["PollIntervalMs"] is { } poll)
        {
            settings = settings with { PollInterval = Duration(poll, Key(engine, "PollIntervalMs"), TimeSpan.FromMilliseconds, TimeSpan.FromHours(1)) };
        }

        if (engine["ResultTtlHours"] is { } ttl)
        {
            settings = settings with { ResultTtl = Duration(ttl, Key(engine, "ResultTtlHours"), TimeSpan.FromHours, TimeSpan.FromDays(3650)) };
        }

        if (engine["ShutdownDrainSeconds"] is { } drain)
        {
            settings = settings with { ShutdownDrain = Duration(drain, Key(engine, "ShutdownDrainSeconds"), TimeSpan.FromSeconds, TimeSpan.FromHours(1), allowZero: true) };
        }

        if (engine["CancelGraceSeconds"] is { } grace)
        {
            settings = settings with { CancelGracePeriod = Duration(grace, Key(engine, "CancelGraceSeconds"), TimeSpan.FromSeconds, TimeSpan.FromHours(1)) };
        }

        if (engine["RescueIntervalSeconds"] is { } rescue)
        {
            settings = settings with { RescueInterval = Duration(rescue, Key(engine, "RescueIntervalSeconds"), TimeSpan.FromSeconds, TimeSpan.FromHours(1)) };
        }

        return settings;
    }

    private static ActorJobsSettings ReadProcessJobTypes(IConfigurationSection section, ActorJobsSettings settings)
    {
        var types = new Dictionary<string, ProcessJobTypeSettings>(settings.ProcessJobTypes, StringComparer.Ordinal);
        foreach (var type in section.GetChildren())
        {
            var id = Name(type.Key, type.Path);
            RejectUnknown(type, ProcessKeys);
            var executable = type["Executable"];
            if (string.IsNullOrWhiteSpace(executable))
            {
                throw new ActorJobsConfigurationException(Key(type, "Executable"), "is missing; a process job type runs exactly one configured executable");
            }

            IReadOnlyList<string>? allowed = null;
            var allowedSection = type.GetSection("AllowedArguments");
            if (allowedSection.Value is not null || allowedSection.GetChildren().Any())
            {
                var patterns = allowedSection.Value is { } single ? [single] : allowedSection.GetChildren().Select(c => c.Value ?? "").ToList();
                for (var i = 0; i < patterns.Count; i++)
                {
                    try
                    {
                        _ = new Regex(patterns[i], RegexOptions.None, TimeSpan.FromSeconds(1));
                    }
                    catch (ArgumentException e)
                    {
                        throw new ActorJobsConfigurationException($"{allowedSection.Path}:{i}", $"'{patterns[i]}' is not a regular expression: {e.Message}", e);
                    }
                }

                allowed = patterns;
            }

            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var variable in type.GetSection("Environment").GetChildren())
            {
                environment[variable.Key] = variable.Value ?? "";
            }

            var workingDirectory = type["WorkingDirectory"];
            if (workingDirectory is not null && !Directory.Exists(workingDirectory))
            {
                throw new ActorJobsConfigurationException(Key(type, "WorkingDirectory"), $"'{workingDirectory}' is not a directory");
            }

            types[id] = new ProcessJobTypeSettings
            {
                Id = id,
                Executable = executable,
                AllowedArguments = allowed,
                WorkingDirectory = workingDirectory,
                Environment = environment,
                Timeout = type["TimeoutSeconds"] is { } timeout
                    ? Duration(timeout, Key(type, "TimeoutSeconds"), TimeSpan.FromSeconds, JobTypeDefinition.MaxTimeout)
                    : TimeSpan.FromHours(1),
                Group = type["Group"] is { } group ? Name(group, Key(type, "Group")) : "compute",
            };
        }

        return settings with { ProcessJobTypes = types };
    }

    /// <summary>Checks what only the merged settings can tell (a provider without what it needs).</summary>
    private static ActorJobsSettings Check(ActorJobsSettings settings)
    {
        if (settings.StorageProvider == StorageProviders.PostgreSql && string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new ActorJobsConfigurationException(
                $"{SectionName}:Storage:ConnectionString", "is missing; the postgresql provider needs a connection string (Host=...;Database=...;Username=...;Password=...)");
        }

        foreach (var type in settings.ProcessJobTypes.Values)
        {
            if (ProcessExecutables.Resolve(type.Executable) is null)
            {
                throw new ActorJobsConfigurationException(
                    $"{SectionName}:ProcessJobTypes:{type.Id}:Executable", $"'{type.Executable}' is not an executable file (nor found on PATH)");
            }
        }

        return settings;
    }

    private static void RejectUnknown(IConfigurationSection section, string[] known)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new ActorJobsConfigurationException(child.Path, $"is not a setting; known settings of {section.Path}: {string.Join(", ", known)}");
            }
        }
    }

    private static string Key(IConfigurationSection section, string name) => $"{section.Path}:{name}";

    private static string Name(string value, string key)
    {
        try
        {
            return Names.Require(value, key);
        }
        catch (JobValidationException e)
        {
            throw new ActorJobsConfigurationException(key, $"'{value}' is not a usable name: {e.Message}", e);
        }
    }

    private static bool Bool(string value, string key) =>
        bool.TryParse(value.Trim(), out var parsed)
            ? parsed
            : throw new ActorJobsConfigurationException(key, $"'{value}' is not true or false");

    private static int Int(string value, string key, int min, int max, string unit) =>
        int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed >= min && parsed <= max
                ? parsed
                : throw new ActorJobsConfigurationException(key, $"{parsed} is out of range; use {min} to {max} {unit}")
            : throw new ActorJobsConfigurationException(key, $"'{value}' is not a whole number of {unit}");

    private static TimeSpan Duration(string value, string key, Func<double, TimeSpan> unit, TimeSpan max, bool allowZero = false)
    {
        if (!double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !double.IsFinite(amount))
        {
            throw new ActorJobsConfigurationException(key, $"'{value}' is not a number");
        }

        if (amount < 0 || (amount == 0 && !allowZero))
        {
            throw new ActorJobsConfigurationException(key, $"{value} must be {(allowZero ? "zero or more" : "positive")}");
        }

        var duration = unit(amount);
        return duration <= max
            ? duration
            : throw new ActorJobsConfigurationException(key, $"{value} is longer than the limit of {max}");
    }
}
