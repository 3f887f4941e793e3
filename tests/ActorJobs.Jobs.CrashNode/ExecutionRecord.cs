using System.Text;

namespace ActorJobs.Jobs.CrashNode;

/// <summary>
/// The execution record: an append-only side file, each line written in one unbuffered write and flushed to disk
/// before the writer goes on, so a line the test reads was on disk before the handler did what it describes.
/// </summary>
internal sealed class ExecutionRecord : IDisposable
{
    private readonly FileStream _file;
    private readonly Lock _gate = new();

    public ExecutionRecord(string path)
    {
        var endsMidLine = File.Exists(path) && EndsWithoutNewline(path);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        if (endsMidLine)
        {
            // A process with the same id was killed mid-line: end its line, so the boot line below starts a line of its own.
            Append("\n");
        }
    }

    public void Write(ExecutionLine line) => Append(line + "\n");

    public void Dispose() => _file.Dispose();

    private void Append(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (_gate)
        {
            _file.Write(bytes);
            _file.Flush(flushToDisk: true);
        }
    }

    private static bool EndsWithoutNewline(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length == 0)
        {
            return false;
        }

        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() != '\n';
    }
}
