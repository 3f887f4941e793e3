namespace ActorJobs.Jobs;

/// <summary>Bad input: the message names the field and what is wrong with it. Nothing was created or changed.</summary>
public sealed class JobValidationException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="field"/>.</summary>
    public JobValidationException(string field, string problem)
        : base($"{field}: {problem}.")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The field that is wrong, as named in the request (for example <c>params.count</c> or <c>priority</c>).</summary>
    public string Field { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
