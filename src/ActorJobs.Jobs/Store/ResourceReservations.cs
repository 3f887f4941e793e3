namespace ActorJobs.Jobs.Store;

/// <summary>
/// Chooses which candidates a claim may start so that resources are taken all-or-nothing and no job starves: a job
/// that waits for a held resource reserves it, and a worse job (lower priority, or later at the same priority) that
/// needs it is passed over until the better one has run. Reservations are shared by all queues of one process and
/// fade when not renewed, so a reservation by a job that was canceled meanwhile does not block anyone for long.
/// </summary>
internal sealed class ResourceReservations
{
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, Reservation> _byResource = new(StringComparer.Ordinal);

    /// <summary>Picks up to <paramref name="max"/> of <paramref name="candidates"/> (best first) that may start now.</summary>
    public List<JobState> Choose(IReadOnlyList<JobState> candidates, IReadOnlyList<HeldResource> held, int max, DateTimeOffset now)
    {
        var chosen = new List<JobState>(Math.Min(max, candidates.Count));
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in held)
        {
            taken.Add(h.Resource);
        }

        foreach (var (resource, reservation) in _byResource.ToArray())
        {
            if (reservation.Expires <= now)
            {
                _byResource.Remove(resource);
            }
        }

        foreach (var job in candidates)
        {
            if (chosen.Count == max)
            {
                break;
            }

            if (job.Resources.Count == 0)
            {
                chosen.Add(job);
                continue;
            }

            var blocked = false;
            foreach (var resource in job.Resources)
            {
                if (taken.Contains(resource) || (_byResource.TryGetValue(resource, out var r) && r.JobId != job.Id && r.IsBetterThan(job)))
                {
                    blocked = true;
                    break;
                }
            }

            if (blocked)
            {
                // Reserve everything it needs, so a worse job cannot take any of it first.
                foreach (var resource in job.Resources)
                {
                    if (!_byResource.TryGetValue(resource, out var r) || !r.IsBetterThan(job) || r.JobId == job.Id)
                    {
                        _byResource[resource] = new Reservation(job.Id, job.Priority, job.ScheduledAt, now + ReservationLifetime);
                    }

                    taken.Add(resource);
                }

                continue;
            }

            foreach (var resource in job.Resources)
            {
                taken.Add(resource);
                if (_byResource.TryGetValue(resource, out var r) && r.JobId == job.Id)
                {
                    _byResource.Remove(resource);
                }
            }

            chosen.Add(job);
        }

        return chosen;
    }

    private readonly record struct Reservation(string JobId, int Priority, DateTimeOffset ScheduledAt, DateTimeOffset Expires)
    {
        public bool IsBetterThan(JobState job) =>
            Priority > job.Priority || (Priority == job.Priority && ScheduledAt < job.ScheduledAt);
    }
}
