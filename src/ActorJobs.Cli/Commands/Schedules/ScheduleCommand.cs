using System.CommandLine;

namespace ActorJobs.Cli.Commands.Schedules;

/// <summary><c>actorjobs schedule create|list|show|update|enable|disable|delete</c>.</summary>
internal static class ScheduleCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var command = new Command("schedule", "Create, list, show, update, enable, disable or delete cron schedules");
        command.Subcommands.Add(ScheduleCreateCommand.Create(context, global));
        command.Subcommands.Add(ScheduleListCommand.Create(context, global));
        command.Subcommands.Add(ScheduleShowCommand.Create(context, global));
        command.Subcommands.Add(ScheduleUpdateCommand.Create(context, global));
        command.Subcommands.Add(ScheduleSwitchCommand.Create(context, global, enable: true));
        command.Subcommands.Add(ScheduleSwitchCommand.Create(context, global, enable: false));
        command.Subcommands.Add(ScheduleDeleteCommand.Create(context, global));
        return command;
    }
}
