using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorJobs.Jobs;
using ActorJobs.Server.Problems;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ActorJobs.Server.Json;

/// <summary>
/// Reads request bodies with the API's limits: JSON only (415 otherwise), at most the configured size (413), at most
/// the configured nesting depth, no unknown or duplicate fields, and every failure a 400 that names the field.
/// Endpoints read their bodies through this instead of parameter binding, so no bad body ever reaches the engine.
/// </summary>
internal sealed class RequestJson
{
    private readonly JsonSerializerOptions _options;
    private readonly long _maxBytes;

    public RequestJson(IOptions<ServerSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _maxBytes = settings.Value.MaxRequestBodyBytes;
        _options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            MaxDepth = settings.Value.MaxJsonDepth,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
        };
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <summary>The body as <typeparamref name="T"/>.</summary>
    /// <exception cref="ApiProblemException">415, 413, or 400 naming the field.</exception>
    public async Task<T> ReadAsync<T>(HttpContext context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckHeaders(context.Request);
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, _options, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw JsonProblems.From(e, _options.MaxDepth);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw BodyLimits.TooLarge(_maxBytes);
        }

        return value ?? throw JsonProblems.Null();
    }

    /// <summary>
    /// The body of <c>POST /jobs/bulk</c> as submissions into <paramref name="tenant"/>, read in one pass from the
    /// buffered body with <see cref="BulkSubmitReader"/> (the same limits and problems as <see cref="ReadAsync{T}"/>).
    /// </summary>
    /// <exception cref="ApiProblemException">415, 413, or 400 naming the field.</exception>
    /// <exception cref="JobValidationException">No jobs, more than <paramref name="maxJobs"/>, or a value out of range.</exception>
    public async Task<IReadOnlyList<JobSubmission>> ReadSubmissionsAsync(HttpContext context, string tenant, int maxJobs)
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckHeaders(context.Request);
        var body = context.Request.BodyReader;
        ReadResult read;
        try
        {
            // Kestrel's body size limit ends this loop with a 413 before the buffer outgrows it.
            read = await body.ReadAsync(context.RequestAborted);
            while (!read.IsCompleted)
            {
                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                read = await body.ReadAsync(context.RequestAborted);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw BodyLimits.TooLarge(_maxBytes);
        }

        try
        {
            return BulkSubmitReader.Read(read.Buffer, tenant, _options.MaxDepth, maxJobs);
        }
        finally
        {
            body.AdvanceTo(read.Buffer.End);
        }
    }

    private void CheckHeaders(HttpRequest request)
    {
        if (!IsJson(request.ContentType))
        {
            throw BodyLimits.NotJson(request.ContentType);
        }

        if (request.ContentLength > _maxBytes)
        {
            throw BodyLimits.TooLarge(_maxBytes);
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? "";
        return (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            && (media.Charset.Value is null || media.Charset.Value.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }
}
