namespace ActorJobs.Hosting;

/// <summary>A setting in configuration section <c>ActorJobs</c> is unusable; <see cref="Key"/> names it. The node does not start.</summary>
public sealed class ActorJobsConfigurationException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="key"/>; the message starts with the key.</summary>
    public ActorJobsConfigurationException(string key, string problem)
        : base($"{key}: {problem}")
    {
        Key = key;
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ActorJobsConfigurationException(string key, string problem, Exception innerException)
        : base($"{key}: {problem}", innerException)
    {
        Key = key;
    }

    /// <summary>The full configuration key, for example <c>ActorJobs:Storage:Provider</c>.</summary>
    public string Key { get; }
}
