namespace ActorJobs.Jobs.Store;

/// <summary>The stable names under which the database backends store an <see cref="OwnerRequest"/>.</summary>
internal static class OwnerRequestNames
{
    public static string Of(OwnerRequest request) => request switch
    {
        OwnerRequest.Cancel => "cancel",
        OwnerRequest.Suspend => "suspend",
        OwnerRequest.Resume => "resume",
        _ => throw new ArgumentOutOfRangeException(nameof(request), request, "Not an owner request; use Cancel, Suspend or Resume."),
    };

    public static OwnerRequest Parse(string name) => name switch
    {
        "cancel" => OwnerRequest.Cancel,
        "suspend" => OwnerRequest.Suspend,
        "resume" => OwnerRequest.Resume,
        _ => throw new InvalidOperationException($"'{name}' is not an owner request (cancel, suspend or resume)."),
    };
}
