using System.Globalization;

namespace ActorJobs.Jobs.Scheduling;

/// <summary>The values one field allows: a bit per value, plus any L, W or # tokens of a day field.</summary>
internal readonly record struct FieldValues(ulong Bits, IReadOnlyList<DaySpecial> Specials);

public sealed partial class CronExpression
{
    /// <summary>The request field that carries an expression, as error messages name it.</summary>
    public const string Field = "cron";

    /// <summary>The longest expression accepted.</summary>
    public const int MaxLength = 500;

    // A full Gregorian cycle: dates and weekdays repeat every 400 years, so an expression that matches no time in
    // one cycle never matches any.
    private const int CalendarCycleYears = 400;

    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    private static readonly char[] Blanks = [' ', '\t'];

    /// <summary>Parses and checks an expression.</summary>
    /// <exception cref="JobValidationException">
    /// The expression is malformed (the message names the field and the bad token), or it can never fire (for
    /// example 30 February). <see cref="JobValidationException.Field"/> is <c>cron</c>.
    /// </exception>
    public static CronExpression Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid("must not be empty; write five fields (minute hour day-of-month month day-of-week), six (second first) or a macro such as @daily");
        }

        if (text.Length > MaxLength)
        {
            throw Invalid($"is {text.Length} characters long; at most {MaxLength} are allowed");
        }

        var trimmed = text.Trim();
        foreach (var c in trimmed)
        {
            if (char.IsControl(c) && c != '\t')
            {
                throw Invalid($"contains a control character (U+{(int)c:X4})");
            }
        }

        var fields = trimmed.StartsWith('@') ? ExpandMacro(trimmed) : trimmed.Split(Blanks, StringSplitOptions.RemoveEmptyEntries);
        var hasSeconds = fields.Length switch
        {
            5 => false,
            6 => true,
            _ => throw Invalid($"'{trimmed}' has {fields.Length} field{(fields.Length == 1 ? "" : "s")}; write five (minute hour day-of-month month day-of-week) or six (second minute hour day-of-month month day-of-week)"),
        };

        var at = hasSeconds ? 1 : 0;
        var expression = new CronExpression(
            trimmed,
            hasSeconds,
            hasSeconds ? ParseField(CronField.Second, fields[0]).Bits : 1UL,
            ParseField(CronField.Minute, fields[at]).Bits,
            (uint)ParseField(CronField.Hour, fields[at + 1]).Bits,
            ParseField(CronField.DayOfMonth, fields[at + 2]),
            (ushort)ParseField(CronField.Month, fields[at + 3]).Bits,
            ParseField(CronField.DayOfWeek, fields[at + 4]));

        if (expression.NextLocalAtOrAfter(new DateTime(2000, 1, 1), 2000 + CalendarCycleYears - 1) is null)
        {
            throw Invalid($"'{trimmed}' can never fire: no date matches its day-of-month, month and day-of-week fields together (as with 30 February or 31 April)");
        }

        return expression;
    }

    private static string[] ExpandMacro(string macro)
    {
        if (macro.Equals("@reboot", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("'@reboot' is not supported: a schedule fires at times of day, not when a node starts");
        }

        if (!Macros.TryGetValue(macro, out var expansion))
        {
            throw Invalid($"'{macro}' is not a known macro; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly");
        }

        return expansion.Split(' ');
    }

    private static FieldValues ParseField(CronField field, string text)
    {
        if (text == "?")
        {
            return field.IsDayField
                ? new FieldValues(RangeBits(field.Min, field.Max, 1), [])
                : throw Invalid($"'?' in the {field.Name} field is not allowed: ? stands for 'any' only in the day-of-month and day-of-week fields");
        }

        ulong bits = 0;
        List<DaySpecial>? specials = null;
        foreach (var element in text.Split(','))
        {
            if (element.Length == 0)
            {
                throw Invalid($"'{text}' in the {field.Name} field has an empty item in its list");
            }

            if (element == "?")
            {
                throw Invalid($"'{text}' in the {field.Name} field uses ? in a list; ? stands alone for 'any'");
            }

            if (TryParseDaySpecial(field, element) is { } special)
            {
                (specials ??= []).Add(special);
                continue;
            }

            bits |= ParseElement(field, element);
        }

        return new FieldValues(bits, (IReadOnlyList<DaySpecial>?)specials ?? []);
    }

    /// <summary>Parses <c>*</c>, <c>n</c>, <c>a-b</c>, or any of them with <c>/step</c>.</summary>
    private static ulong ParseElement(CronField field, string element)
    {
        RejectMisplacedSpecial(field, element);
        var slash = element.IndexOf('/', StringComparison.Ordinal);
        var range = slash < 0 ? element : element[..slash];
        var step = 1;
        if (slash >= 0)
        {
            var stepText = element[(slash + 1)..];
            if (!IsDigits(stepText) || !int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1 || step > field.Max)
            {
                throw Invalid($"'{element}' in the {field.Name} field has step '{stepText}'; a step is a number from 1 to {field.Max}");
            }
        }

        int low, high;
        if (range == "*")
        {
            (low, high) = (field.Min, field.Max);
        }
        else if (range.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
        {
            low = ParseValue(field, range[..dash], element);
            high = ParseValue(field, range[(dash + 1)..], element);
            if (low > high)
            {
                throw Invalid($"'{element}' in the {field.Name} field is a range that runs backwards; ranges do not wrap around, so write the smaller value first or split it in two");
            }
        }
        else
        {
            low = ParseValue(field, range, element);
            high = slash >= 0 ? field.Max : low; // "a/n" means from a to the end of the field, every n
        }

        return RangeBits(low, high, step);
    }

    /// <summary>Parses L, L-n, nW, LW (day-of-month) and dL, d#n (day-of-week); null for anything else.</summary>
    private static DaySpecial? TryParseDaySpecial(CronField field, string element)
    {
        var upper = element.ToUpperInvariant();
        if (ReferenceEquals(field, CronField.DayOfMonth))
        {
            if (upper == "L")
            {
                return new DaySpecial(DaySpecialKind.LastDayOfMonth, 0);
            }

            if (upper == "LW")
            {
                return new DaySpecial(DaySpecialKind.LastWeekdayOfMonth, 0);
            }

            if (upper.StartsWith("L-", StringComparison.Ordinal))
            {
                var offset = element[2..];
                if (!IsDigits(offset) || !int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days > 30)
                {
                    throw Invalid($"'{element}' in the day-of-month field counts '{offset}' days back from the last day; use 0 to 30");
                }

                return new DaySpecial(DaySpecialKind.LastDayOfMonth, days);
            }

            if (upper.Length > 1 && upper[^1] == 'W')
            {
                var day = ParseValue(field, upper[..^1], element);
                return new DaySpecial(DaySpecialKind.NearestWeekday, day);
            }

            return null;
        }

        if (ReferenceEquals(field, CronField.DayOfWeek))
        {
            if (upper == "L")
            {
                throw Invalid($"'{element}' in the day-of-week field is ambiguous; write the day before it, as in 5L or FRIL for the last Friday of the month");
            }

            var hash = upper.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                var weekday = ParseValue(field, upper[..hash], element) % 7;
                var nthText = upper[(hash + 1)..];
                if (!IsDigits(nthText) || !int.TryParse(nthText, NumberStyles.None, CultureInfo.InvariantCulture, out var nth) || nth is < 1 or > 5)
                {
                    throw Invalid($"'{element}' in the day-of-week field asks for occurrence '{nthText}' in the month; use 1 to 5");
                }

                return new DaySpecial(DaySpecialKind.NthWeekday, weekday, nth);
            }

            if (upper.Length > 1 && upper[^1] == 'L' && !upper.Contains('-', StringComparison.Ordinal) && !upper.Contains('/', StringComparison.Ordinal))
            {
                var weekday = ParseValue(field, upper[..^1], element) % 7;
                return new DaySpecial(DaySpecialKind.LastWeekday, weekday);
            }
        }

        return null;
    }

    /// <summary>A clear message for L, W or # where they have no meaning, instead of "not a number".</summary>
    private static void RejectMisplacedSpecial(CronField field, string element)
    {
        var upper = element.ToUpperInvariant();
        var looksSpecial = upper.Contains('#', StringComparison.Ordinal)
            || upper == "L" || upper == "LW" || upper.StartsWith("L-", StringComparison.Ordinal)
            || (upper.Length > 1 && upper[^1] == 'W' && IsDigits(upper[..^1]))
            || (upper.Length > 1 && upper[^1] == 'L' && IsDigits(upper[..^1]));
        if (!looksSpecial)
        {
            return;
        }

        var where = upper.Contains('#', StringComparison.Ordinal)
            ? "# works only in the day-of-week field (as in FRI#2)"
            : upper[^1] == 'W' ? "W works only in the day-of-month field (as in 15W or LW)"
            : "L works only in the day-of-month field (as in L or L-2) and the day-of-week field (as in 5L)";
        throw Invalid($"'{element}' in the {field.Name} field is not allowed: {where}; L, W and # cannot be combined with ranges or steps");
    }

    private static int ParseValue(CronField field, string token, string element)
    {
        if (IsDigits(token))
        {
            var value = token.Length > 4 ? int.MaxValue : int.Parse(token, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value < field.Min || value > field.Max)
            {
                throw Invalid($"'{element}' in the {field.Name} field has '{token}', which is out of range; use {field.ValueHint}");
            }

            return value;
        }

        if (field.Names is { } names)
        {
            var index = Array.FindIndex(names, name => name.Equals(token, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index + field.FirstNameValue;
            }
        }

        throw Invalid($"'{element}' in the {field.Name} field has '{token}', which is not {field.ValueHint}");
    }

    private static ulong RangeBits(int low, int high, int step)
    {
        ulong bits = 0;
        for (var value = low; value <= high; value += step)
        {
            bits |= 1UL << value;
        }

        return bits;
    }

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    private static JobValidationException Invalid(string problem) => new(Field, problem);
}
