using ActorJobs.Jobs.Scheduling;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>The time zone at create: IANA ids only, and a message that names <c>timeZone</c>.</summary>
public sealed class ScheduleTimeZoneTests
{
    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Australia/Sydney")]
    [InlineData("UTC")]
    [InlineData("Etc/GMT+5")]
    [InlineData("America/Argentina/Buenos_Aires")]
    public void An_iana_id_resolves(string id)
    {
        Assert.Equal(id, ScheduleTimeZone.Resolve(id).Id);
    }

    [Theory]
    [InlineData(null, "timeZone: must not be empty; give an IANA time zone such as Europe/Berlin, America/New_York or UTC.")]
    [InlineData("", "timeZone: must not be empty; give an IANA time zone such as Europe/Berlin, America/New_York or UTC.")]
    [InlineData("Mars/Olympus_Mons", "timeZone: 'Mars/Olympus_Mons' is not a known IANA time zone; use an id such as Europe/Berlin, America/New_York or UTC.")]
    [InlineData("europe/berlin", "timeZone: 'europe/berlin' is not a known IANA time zone; ids are case-sensitive, and this one is spelled Europe/Berlin.")]
    [InlineData("EUROPE/LONDON", "timeZone: 'EUROPE/LONDON' is not a known IANA time zone; ids are case-sensitive, and this one is spelled Europe/London.")]
    [InlineData("W. Europe Standard Time", "timeZone: 'W. Europe Standard Time' is not an IANA time zone id; such ids use letters, digits and / _ - + only, as in Europe/Berlin.")]
    [InlineData("../../etc/passwd", "timeZone: '../../etc/passwd' is not an IANA time zone id; such ids use letters, digits and / _ - + only, as in Europe/Berlin.")]
    [InlineData("Europe/Berlin ", "timeZone: 'Europe/Berlin ' is not an IANA time zone id; such ids use letters, digits and / _ - + only, as in Europe/Berlin.")]
    [InlineData("+01:00", "timeZone: '+01:00' is not an IANA time zone id; such ids use letters, digits and / _ - + only, as in Europe/Berlin.")]
    public void Anything_else_is_rejected_with_a_message_naming_the_field(string? id, string message)
    {
        var error = Assert.Throws<JobValidationException>(() => ScheduleTimeZone.Resolve(id));

        Assert.Equal("timeZone", error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_wrongly_cased_id_is_rejected_whether_or_not_the_zone_cache_is_filled()
    {
        // .NET's lookup ignores case once GetSystemTimeZones has run; the answer must not depend on that.
        var before = Assert.Throws<JobValidationException>(() => ScheduleTimeZone.Resolve("america/new_york"));
        _ = TimeZoneInfo.GetSystemTimeZones();
        var after = Assert.Throws<JobValidationException>(() => ScheduleTimeZone.Resolve("america/new_york"));

        Assert.Equal("timeZone: 'america/new_york' is not a known IANA time zone; ids are case-sensitive, and this one is spelled America/New_York.", before.Message);
        Assert.Equal(before.Message, after.Message);
    }

    [Fact]
    public void Create_checks_the_expression_first_then_the_zone()
    {
        Assert.Equal("cron", Assert.Throws<JobValidationException>(() => CronSchedule.Create("0 0 30 2 *", "Nowhere/Land")).Field);
        Assert.Equal("timeZone", Assert.Throws<JobValidationException>(() => CronSchedule.Create("0 0 * * *", "Nowhere/Land")).Field);
    }
}
