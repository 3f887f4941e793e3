namespace ActorJobs.Jobs.Sqlite.Tests.Support;

/// <summary>A directory of its own for one test's database files, deleted afterwards.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"actorjobs-test-{Guid.NewGuid():N}");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere; the operating system's temp cleanup gets it.
        }
    }
}
