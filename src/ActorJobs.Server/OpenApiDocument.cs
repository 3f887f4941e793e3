using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ActorJobs.Server;

/// <summary>What the OpenAPI document says of the API as a whole: its title and how a caller authenticates.</summary>
internal static class OpenApiDocument
{
    private const string ApiKeyScheme = "ApiKey";
    private const string BearerScheme = "Bearer";

    public static void Configure(OpenApiOptions options) =>
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ActorJobs REST API";
            document.Info.Description =
                "Jobs, job types and groups, queues, schedules, dead letters, stats, health and a server-sent event stream. " +
                "Send an API key in the X-Api-Key header or as Authorization: Bearer <key> (GET /health and this document need none). " +
                "Errors are RFC 7807 problem documents whose 'field' names the bad field.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [ApiKeyScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = Auth.ApiKeyMiddleware.HeaderName },
                [BearerScheme] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer" },
            };
            document.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            ];
            return Task.CompletedTask;
        });
}
