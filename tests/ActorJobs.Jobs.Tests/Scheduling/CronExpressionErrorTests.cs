using ActorJobs.Jobs.Scheduling;

namespace ActorJobs.Jobs.Tests.Scheduling;

/// <summary>Every way an expression can be wrong, with the message a REST client sees (field <c>cron</c>).</summary>
public sealed class CronExpressionErrorTests
{
    [Theory]
    [InlineData(null, "cron: must not be empty; write five fields (minute hour day-of-month month day-of-week), six (second first) or a macro such as @daily.")]
    [InlineData("   ", "cron: must not be empty; write five fields (minute hour day-of-month month day-of-week), six (second first) or a macro such as @daily.")]
    [InlineData("0 0 * *", "cron: '0 0 * *' has 4 fields; write five (minute hour day-of-month month day-of-week) or six (second minute hour day-of-month month day-of-week).")]
    [InlineData("0 0 0 * * * 2026", "cron: '0 0 0 * * * 2026' has 7 fields; write five (minute hour day-of-month month day-of-week) or six (second minute hour day-of-month month day-of-week).")]
    [InlineData("daily", "cron: 'daily' has 1 field; write five (minute hour day-of-month month day-of-week) or six (second minute hour day-of-month month day-of-week).")]
    [InlineData("61 * * * *", "cron: '61' in the minute field has '61', which is out of range; use a number from 0 to 59.")]
    [InlineData("0 24 * * *", "cron: '24' in the hour field has '24', which is out of range; use a number from 0 to 23.")]
    [InlineData("0 0 0 * *", "cron: '0' in the day-of-month field has '0', which is out of range; use a number from 1 to 31.")]
    [InlineData("0 0 32 * *", "cron: '32' in the day-of-month field has '32', which is out of range; use a number from 1 to 31.")]
    [InlineData("0 0 * 13 *", "cron: '13' in the month field has '13', which is out of range; use a number from 1 to 12 or a month name (JAN to DEC).")]
    [InlineData("0 0 * * 8", "cron: '8' in the day-of-week field has '8', which is out of range; use a number from 0 to 7 (0 and 7 are Sunday) or a day name (SUN to SAT).")]
    [InlineData("60 * * * * *", "cron: '60' in the second field has '60', which is out of range; use a number from 0 to 59.")]
    [InlineData("0 0 1,99 * *", "cron: '99' in the day-of-month field has '99', which is out of range; use a number from 1 to 31.")]
    [InlineData("0 0 * * 99999999999", "cron: '99999999999' in the day-of-week field has '99999999999', which is out of range; use a number from 0 to 7 (0 and 7 are Sunday) or a day name (SUN to SAT).")]
    [InlineData("x * * * *", "cron: 'x' in the minute field has 'x', which is not a number from 0 to 59.")]
    [InlineData("0 0 * FOO *", "cron: 'FOO' in the month field has 'FOO', which is not a number from 1 to 12 or a month name (JAN to DEC).")]
    [InlineData("0 0 * * MONDAY", "cron: 'MONDAY' in the day-of-week field has 'MONDAY', which is not a number from 0 to 7 (0 and 7 are Sunday) or a day name (SUN to SAT).")]
    [InlineData("0 JAN * * *", "cron: 'JAN' in the hour field has 'JAN', which is not a number from 0 to 23.")]
    [InlineData("-5 * * * *", "cron: '-5' in the minute field has '-5', which is not a number from 0 to 59.")]
    [InlineData("5- * * * *", "cron: '5-' in the minute field has '', which is not a number from 0 to 59.")]
    [InlineData("1-2-3 * * * *", "cron: '1-2-3' in the minute field has '2-3', which is not a number from 0 to 59.")]
    [InlineData("5-2 * * * *", "cron: '5-2' in the minute field is a range that runs backwards; ranges do not wrap around, so write the smaller value first or split it in two.")]
    [InlineData("0 0 * * FRI-MON", "cron: 'FRI-MON' in the day-of-week field is a range that runs backwards; ranges do not wrap around, so write the smaller value first or split it in two.")]
    [InlineData("*/0 * * * *", "cron: '*/0' in the minute field has step '0'; a step is a number from 1 to 59.")]
    [InlineData("*/60 * * * *", "cron: '*/60' in the minute field has step '60'; a step is a number from 1 to 59.")]
    [InlineData("0 */x * * *", "cron: '*/x' in the hour field has step 'x'; a step is a number from 1 to 23.")]
    [InlineData("0 */ * * *", "cron: '*/' in the hour field has step ''; a step is a number from 1 to 23.")]
    [InlineData("0 1/2/3 * * *", "cron: '1/2/3' in the hour field has step '2/3'; a step is a number from 1 to 23.")]
    [InlineData("1,,2 * * * *", "cron: '1,,2' in the minute field has an empty item in its list.")]
    [InlineData("1, * * * *", "cron: '1,' in the minute field has an empty item in its list.")]
    [InlineData("? * * * *", "cron: '?' in the minute field is not allowed: ? stands for 'any' only in the day-of-month and day-of-week fields.")]
    [InlineData("0 0 ?,1 * *", "cron: '?,1' in the day-of-month field uses ? in a list; ? stands alone for 'any'.")]
    [InlineData("@often", "cron: '@often' is not a known macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly.")]
    [InlineData("@reboot", "cron: '@reboot' is not supported: a schedule fires at times of day, not when a node starts.")]
    [InlineData("@daily 5", "cron: '@daily 5' is not a known macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly.")]
    [InlineData("0 0 \u0001 * *", "cron: contains a control character (U+0001).")]
    public void A_malformed_expression_is_rejected_naming_the_field_and_the_token(string? cron, string message)
    {
        var error = Assert.Throws<JobValidationException>(() => CronExpression.Parse(cron));

        Assert.Equal("cron", error.Field);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("0 L * * *", "cron: 'L' in the hour field is not allowed: L works only in the day-of-month field (as in L or L-2) and the day-of-week field (as in 5L); L, W and # cannot be combined with ranges or steps.")]
    [InlineData("0 0 * L *", "cron: 'L' in the month field is not allowed: L works only in the day-of-month field (as in L or L-2) and the day-of-week field (as in 5L); L, W and # cannot be combined with ranges or steps.")]
    [InlineData("0 0 15W * MON", null)]
    [InlineData("0 15W * * *", "cron: '15W' in the hour field is not allowed: W works only in the day-of-month field (as in 15W or LW); L, W and # cannot be combined with ranges or steps.")]
    [InlineData("0 0 * * 15W", "cron: '15W' in the day-of-week field is not allowed: W works only in the day-of-month field (as in 15W or LW); L, W and # cannot be combined with ranges or steps.")]
    [InlineData("0 0 1#2 * *", "cron: '1#2' in the day-of-month field is not allowed: # works only in the day-of-week field (as in FRI#2); L, W and # cannot be combined with ranges or steps.")]
    [InlineData("0 0 * * L", "cron: 'L' in the day-of-week field is ambiguous; write the day before it, as in 5L or FRIL for the last Friday of the month.")]
    [InlineData("0 0 * * FRI#6", "cron: 'FRI#6' in the day-of-week field asks for occurrence '6' in the month; use 1 to 5.")]
    [InlineData("0 0 * * FRI#0", "cron: 'FRI#0' in the day-of-week field asks for occurrence '0' in the month; use 1 to 5.")]
    [InlineData("0 0 * * FRI#", "cron: 'FRI#' in the day-of-week field asks for occurrence '' in the month; use 1 to 5.")]
    [InlineData("0 0 * * 9#2", "cron: '9#2' in the day-of-week field has '9', which is out of range; use a number from 0 to 7 (0 and 7 are Sunday) or a day name (SUN to SAT).")]
    [InlineData("0 0 L-31 * *", "cron: 'L-31' in the day-of-month field counts '31' days back from the last day; use 0 to 30.")]
    [InlineData("0 0 L-x * *", "cron: 'L-x' in the day-of-month field counts 'x' days back from the last day; use 0 to 30.")]
    [InlineData("0 0 32W * *", "cron: '32W' in the day-of-month field has '32', which is out of range; use a number from 1 to 31.")]
    [InlineData("0 0 1-5W * *", "cron: '1-5W' in the day-of-month field has '1-5', which is not a number from 1 to 31.")]
    public void L_W_and_hash_are_rejected_where_they_mean_nothing(string cron, string? message)
    {
        if (message is null)
        {
            Assert.NotNull(CronExpression.Parse(cron)); // 15W in day-of-month is fine
            return;
        }

        var error = Assert.Throws<JobValidationException>(() => CronExpression.Parse(cron));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4 *")]
    [InlineData("0 0 31 2,4,6,9,11 *")]
    [InlineData("0 0 30-31 FEB *")]
    [InlineData("0 0 0 31 SEP *")]
    [InlineData("0 0 L-30 2 *")]
    [InlineData("0 0 31W 4 *")]
    [InlineData("0 0 30 FEB ?")]
    public void An_expression_that_can_never_fire_is_rejected(string cron)
    {
        var error = Assert.Throws<JobValidationException>(() => CronExpression.Parse(cron));

        Assert.Equal($"cron: '{cron}' can never fire: no date matches its day-of-month, month and day-of-week fields together (as with 30 February or 31 April).", error.Message);
    }

    [Theory]
    [InlineData("0 0 29 2 *")]       // every four years (not in 2100)
    [InlineData("0 0 * 2 1#5")]     // a fifth Monday in February: leap years whose 1 February is a Monday
    [InlineData("0 0 29 2 MON")]    // both day fields restricted: 29 February or any Monday in February
    [InlineData("0 0 31 1-4 *")]    // 31 January and March
    public void A_rare_but_possible_expression_is_accepted(string cron)
    {
        Assert.NotNull(CronExpression.Parse(cron));
    }

    [Fact]
    public void An_overlong_expression_is_rejected_without_parsing_it()
    {
        var error = Assert.Throws<JobValidationException>(() => CronExpression.Parse(string.Join(',', Enumerable.Repeat("1", 300)) + " * * * *"));

        Assert.Equal("cron: is 607 characters long; at most 500 are allowed.", error.Message);
    }
}
