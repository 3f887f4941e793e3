namespace ActorJobs.Server.Endpoints;

/// <summary>OpenAPI metadata shared by many endpoints.</summary>
internal static class EndpointConventions
{
    /// <summary>The problems of an endpoint that reads a JSON body: 400 (a bad field or malformed JSON), 413 and 415.</summary>
    public static RouteHandlerBuilder WithBodyProblems(this RouteHandlerBuilder builder) =>
        builder
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
}
