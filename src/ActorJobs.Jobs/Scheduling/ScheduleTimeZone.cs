namespace ActorJobs.Jobs.Scheduling;

/// <summary>Resolves the IANA time zone a schedule names.</summary>
public static class ScheduleTimeZone
{
    /// <summary>The request field that carries a schedule's time zone, as error messages name it.</summary>
    public const string Field = "timeZone";

    private const int MaxLength = 64;

    /// <summary>Finds the zone with IANA id <paramref name="id"/> (for example <c>Europe/Berlin</c> or <c>UTC</c>).</summary>
    /// <exception cref="JobValidationException">
    /// The id is empty, malformed, unknown, or a Windows id; the message says which and suggests the right id when it
    /// can. <see cref="JobValidationException.Field"/> is <c>timeZone</c>.
    /// </exception>
    public static TimeZoneInfo Resolve(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new JobValidationException(Field, "must not be empty; give an IANA time zone such as Europe/Berlin, America/New_York or UTC");
        }

        // IANA ids are letters, digits and / _ - + only; checking first keeps paths such as ../ away from the
        // zoneinfo lookup and gives one message for every malformed id.
        if (id.Length > MaxLength || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+'))
        {
            throw new JobValidationException(Field, $"'{Shorten(id)}' is not an IANA time zone id; such ids use letters, digits and / _ - + only, as in Europe/Berlin");
        }

        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            var suggestion = CapitalisedLikeIana(id);
            throw new JobValidationException(Field, suggestion is null
                ? $"'{id}' is not a known IANA time zone; use an id such as Europe/Berlin, America/New_York or UTC"
                : $"'{id}' is not a known IANA time zone; ids are case-sensitive, and this one is spelled {suggestion}");
        }

        // Once GetSystemTimeZones has filled .NET's cache, lookups ignore case; ids are case-sensitive on disk, so
        // accept only the exact spelling whatever the cache holds, and keep stored ids canonical.
        if (!zone.Id.Equals(id, StringComparison.Ordinal) && zone.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
        {
            throw new JobValidationException(Field, $"'{id}' is not a known IANA time zone; ids are case-sensitive, and this one is spelled {zone.Id}");
        }

        if (!zone.HasIanaId)
        {
            var hint = TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana) ? $"; use its IANA id {iana}" : "";
            throw new JobValidationException(Field, $"'{id}' is a Windows time zone id, not an IANA one{hint}");
        }

        return zone;
    }

    /// <summary>
    /// The id capitalised as most IANA ids are (<c>america/new_york</c> to <c>America/New_York</c>), if that names a
    /// zone. Cheaper than listing every zone, which takes seconds the first time in a process.
    /// </summary>
    private static string? CapitalisedLikeIana(string id)
    {
        var chars = id.ToLowerInvariant().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (i == 0 || chars[i - 1] is '/' or '_' or '-')
            {
                chars[i] = char.ToUpperInvariant(chars[i]);
            }
        }

        var candidate = new string(chars);
        if (candidate.Equals(id, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(candidate).Id;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    private static string Shorten(string id) => id.Length <= MaxLength ? id : id[..MaxLength] + "…";
}
