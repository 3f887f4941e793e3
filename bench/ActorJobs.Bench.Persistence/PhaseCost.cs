using System.Diagnostics;
using System.Globalization;

namespace ActorJobs.Bench.Persistence;

/// <summary>
/// What one timed phase cost besides wall time: CPU of this process, CPU of the database server (PostgreSQL's
/// processes; zero for SQLite, which runs in this process) and bytes allocated here. On a shared, noisy machine the
/// wall rate moves with the neighbours, but the CPU and allocations per event barely do, so they compare builds.
/// </summary>
internal readonly record struct PhaseCost(TimeSpan ClientCpu, TimeSpan ServerCpu, long AllocatedBytes)
{
    public static PhaseCost Now(int? serverPid) => new(
        Process.GetCurrentProcess().TotalProcessorTime,
        serverPid is { } pid ? ServerCpuOf(pid) : TimeSpan.Zero,
        GC.GetTotalAllocatedBytes(precise: true));

    public PhaseCost Since(PhaseCost start) =>
        new(ClientCpu - start.ClientCpu, ServerCpu - start.ServerCpu, AllocatedBytes - start.AllocatedBytes);

    public string PerEvent(long events) => string.Create(CultureInfo.InvariantCulture,
        $"cpu {ClientCpu.TotalMicroseconds / events:F2}+{ServerCpu.TotalMicroseconds / events:F2} µs/event (here+server), {(double)AllocatedBytes / events:F0} B/event");

    // The server's CPU: the postmaster's own and its reaped children's (cutime, cstime), plus its live children's.
    // Linux only; elsewhere it reads as zero.
    private static TimeSpan ServerCpuOf(int postmasterPid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // the process ended meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // Fields after the command name, which is in parentheses and may hold spaces: state ppid ... utime(14) stime(15) cutime(16) cstime(17).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (pid == postmasterPid)
            {
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
            else if (parent == postmasterPid)
            {
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }

        // Linux reports in clock ticks of 1/100 s (USER_HZ).
        return TimeSpan.FromMilliseconds(ticks * 10.0);
    }
}
