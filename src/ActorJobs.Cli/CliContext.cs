using Spectre.Console;

namespace ActorJobs.Cli;

/// <summary>Where the command writes and what it reads from its surroundings; tests pass their own.</summary>
public sealed class CliContext
{
    /// <summary>Standard output: tables, messages and <c>--json</c> documents.</summary>
    public TextWriter Out { get; init; } = Console.Out;

    /// <summary>Standard error: error messages.</summary>
    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>Reads an environment variable (ACTORJOBS_URL, ACTORJOBS_API_KEY).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Whether the output is a terminal that live progress bars can redraw.</summary>
    public bool Interactive { get; init; }

    /// <summary>The width tables are laid out for when the output is not a terminal.</summary>
    public int Width { get; init; } = 160;

    /// <summary>Runs a node with the given ASP.NET Core style arguments until the token is canceled (<c>serve</c>).</summary>
    public Func<string[], CancellationToken, Task>? RunNode { get; init; }

    /// <summary>The clock (relative <c>--not-before</c> values).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>A Spectre console over <see cref="Out"/>.</summary>
    internal IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!Interactive)
        {
            console.Profile.Width = Width;
        }

        return console;
    }
}
