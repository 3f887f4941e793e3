using System.CommandLine;
using System.Net;
using System.Text.Json;
using ActorJobs.Client;

namespace ActorJobs.Cli;

/// <summary>Runs a client command's body and turns what went wrong into a message on stderr and an exit code.</summary>
internal static class CommandActions
{
    public static void Set(Command command, CliContext context, GlobalOptions global, Func<Invocation, Task<int>> body)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var invocation = new Invocation(parse, context, global, cancellationToken);
            try
            {
                return await body(invocation);
            }
            catch (CliUsageException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (ActorJobsApiException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodeOf(e);
            }
            catch (HttpRequestException e) when (e.StatusCode is null)
            {
                await context.Error.WriteLineAsync($"error: cannot reach the node at {SafeUrl(invocation)}: {e.Message}");
                return ExitCodes.Unreachable;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync($"error: the node at {SafeUrl(invocation)} did not answer in time: {e.Message}");
                return ExitCodes.Unreachable;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync("interrupted");
                return ExitCodes.Interrupted;
            }
            catch (JsonException e)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return ExitCodes.ServerError;
            }
        });
    }

    /// <summary>The exit code for an error answer of the node.</summary>
    public static int ExitCodeOf(ActorJobsApiException e) => e.StatusCode switch
    {
        0 => ExitCodes.ServerError,
        HttpStatusCode.NotFound => ExitCodes.NotFound,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Auth,
        HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType
            or HttpStatusCode.UnprocessableEntity => ExitCodes.Usage,
        >= HttpStatusCode.InternalServerError => ExitCodes.ServerError,
        _ => ExitCodes.Rejected,
    };

    private static string SafeUrl(Invocation invocation)
    {
        try
        {
            return invocation.NodeUrl.ToString();
        }
        catch (CliUsageException)
        {
            return "(bad --url)";
        }
    }
}
