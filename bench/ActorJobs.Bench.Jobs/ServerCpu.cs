using System.Globalization;

namespace ActorJobs.Bench.Jobs;

/// <summary>
/// The CPU a local PostgreSQL server has used: its postmaster's, the children it reaped, and its live children's (the
/// backends, the WAL writer, the checkpointer), read from /proc. Zero when there is no server (SQLite runs in this
/// process) or no /proc. The difference across a phase is the server's share of that phase's cost per job.
/// </summary>
internal static class ServerCpu
{
    public static TimeSpan Of(int? postmasterPid)
    {
        if (postmasterPid is not { } postmaster || !OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ReadStat(directory) is not { } fields)
            {
                continue;
            }

            // After the command name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
            if (pid == postmaster)
            {
                ticks += Sum(fields, 11, 14);
            }
            else if (long.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster)
            {
                ticks += Sum(fields, 11, 12);
            }
        }

        return TimeSpan.FromMilliseconds(ticks * 10.0); // clock ticks of 1/100 s (USER_HZ)
    }

    /// <summary>The parent of a backend process: the postmaster. Null when the backend is not on this machine.</summary>
    public static int? ParentOf(int backendPid) =>
        ReadStat($"/proc/{backendPid}") is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;

    private static string[]? ReadStat(string directory)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(directory, "stat"));
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // the command name is in parentheses and may hold spaces
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile, or not ours to read
        }
    }

    private static long Sum(string[] fields, int first, int last)
    {
        long sum = 0;
        for (var i = first; i <= last; i++)
        {
            sum += long.Parse(fields[i], CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
