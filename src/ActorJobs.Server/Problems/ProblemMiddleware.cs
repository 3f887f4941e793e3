using ActorJobs.Actors;
using ActorJobs.Hosting;
using ActorJobs.Jobs;
using ActorJobs.Jobs.Scheduler;

namespace ActorJobs.Server.Problems;

/// <summary>
/// Turns what the endpoints and the engine throw into problem documents: bad fields 400, missing things 404, refused
/// commands 409, a body too large 413, a node that cannot serve 503. Anything else is a fault of the node: 500 with
/// no internals in the answer, the exception in the log.
/// </summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var (problem, extensions) = Translate(e);
            if (problem.Status >= StatusCodes.Status500InternalServerError && e is not SchedulerNotActiveException)
            {
                LogFault(logger, e, context.Request.Method, context.Request.Path);
            }

            context.Response.Clear();
            await ProblemWriter.WriteAsync(context, problem, extensions);
        }
    }

    private static (ApiProblemException, IReadOnlyDictionary<string, object?>?) Translate(Exception e) => e switch
    {
        ApiProblemException p => (p, null),
        JobValidationException v => (ApiProblemException.Invalid(v.Field, v.Problem), null),
        JobNotFoundException n => (ApiProblemException.NotFound(n.Message), null),
        JobCommandRejectedException { Rejection.Code: JobRejectionCode.NotFound } r => (ApiProblemException.NotFound(r.Message), null),
        JobCommandRejectedException { Rejection.Code: JobRejectionCode.Invalid } r =>
            (new ApiProblemException(StatusCodes.Status400BadRequest, ProblemKinds.InvalidField, "The command is invalid.", r.Message), null),
        JobCommandRejectedException r => (ApiProblemException.Conflict(r.Message), null),
        SchedulerNotActiveException s => (
            new ApiProblemException(StatusCodes.Status503ServiceUnavailable, ProblemKinds.Unavailable, "This node is not the scheduler.", s.Message),
            new Dictionary<string, object?> { ["holder"] = s.Holder, ["leaseUntil"] = s.Until }),
        AskTimeoutException => (
            new ApiProblemException(StatusCodes.Status503ServiceUnavailable, ProblemKinds.Unavailable, "The node did not answer in time.", "The node did not answer in time; try again."),
            null),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (BodyLimits.TooLarge(null), null),
        BadHttpRequestException b => (
            new ApiProblemException(b.StatusCode, ProblemKinds.BadRequest, "The request is malformed.", b.Message),
            null),
        _ => (
            new ApiProblemException(StatusCodes.Status500InternalServerError, ProblemKinds.Internal, "The node failed to handle the request.", "The node failed to handle the request; its log has the details."),
            null),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFault(ILogger logger, Exception exception, string method, string path);
}
