using System.Text.Json;
using System.Text.Json.Serialization;
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
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            throw BodyLimits.NotJson(request.ContentType);
        }

        if (request.ContentLength > _maxBytes)
        {
            throw BodyLimits.TooLarge(_maxBytes);
        }

        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(request.Body, _options, context.RequestAborted);
        }
        catch (JsonException e)
        {
            throw JsonProblems.From(e, _options.MaxDepth);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw BodyLimits.TooLarge(_maxBytes);
        }

        return value ?? throw new ApiProblemException(
            StatusCodes.Status400BadRequest, ProblemKinds.MalformedJson, "The request body is not valid JSON.", "body: must be a JSON object, not null.", "body");
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
