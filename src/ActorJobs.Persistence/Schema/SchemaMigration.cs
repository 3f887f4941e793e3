using System.Globalization;
using System.Reflection;

namespace ActorJobs.Persistence.Schema;

/// <summary>
/// One versioned step of a database schema. Each module (the journal, a projection's read model) numbers its own
/// steps 1, 2, 3, ...; a backend applies the ones its <c>schema_version</c> table lacks, in order, at startup.
/// A step, once released, never changes: a schema change is a new step.
/// </summary>
/// <param name="Module">Whose schema this is, for example <c>journal</c> or <c>job_rows</c>.</param>
/// <param name="Version">The step's number within its module, from 1.</param>
/// <param name="Description">What the step does, recorded in <c>schema_version</c>.</param>
/// <param name="Sql">The statements, in the backend's dialect.</param>
public sealed record SchemaMigration(string Module, int Version, string Description, string Sql)
{
    /// <summary>
    /// Loads the migrations embedded in <paramref name="assembly"/> whose resource names start with
    /// <paramref name="resourcePrefix"/> and end in <c>NNNN_description.sql</c>, for example
    /// <c>0001_create_journal.sql</c> as version 1, "create journal".
    /// </summary>
    /// <param name="assembly">The assembly holding the resources.</param>
    /// <param name="resourcePrefix">The resources' name up to the file name, including the final dot.</param>
    /// <param name="module">The module the migrations belong to.</param>
    /// <exception cref="InvalidOperationException">A resource name does not follow the pattern or versions repeat.</exception>
    public static IReadOnlyList<SchemaMigration> FromEmbeddedResources(Assembly assembly, string resourcePrefix, string module)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<SchemaMigration>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(resourcePrefix, StringComparison.Ordinal) || !name.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = name[resourcePrefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator < 1 || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException(
                    $"Migration resource '{name}' must be named NNNN_description.sql, for example 0001_create_journal.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new SchemaMigration(module, version, fileName[(separator + 1)..].Replace('_', ' '), reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException(
                    $"The migrations of module '{module}' must be numbered 1, 2, 3, ... with no gap or repeat; found version {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }
}
