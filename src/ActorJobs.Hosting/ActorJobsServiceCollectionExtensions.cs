using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorJobs.Hosting;

/// <summary>Adds an ActorJobs node to a .NET host.</summary>
public static class ActorJobsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the ActorJobs node of this process (<see cref="ActorJobsNode"/>, a hosted service and singleton) and an
    /// <see cref="IJobClient"/>. Settings come from <paramref name="configure"/>, then from section <c>ActorJobs</c> of
    /// <paramref name="configuration"/> (or of the host's <see cref="IConfiguration"/> when null), which wins.
    /// Calling it again adds to the same builder.
    /// </summary>
    public static IServiceCollection AddActorJobs(this IServiceCollection services, IConfiguration? configuration, Action<ActorJobsBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registration = services.FirstOrDefault(d => d.ServiceType == typeof(ActorJobsBuilder))?.ImplementationInstance as ActorJobsBuilder;
        if (registration is null)
        {
            registration = new ActorJobsBuilder(services);
            services.AddSingleton(registration);
            services.AddSingleton(sp => new ActorJobsNode(
                registration,
                configuration ?? sp.GetService<IConfiguration>(),
                sp,
                sp.GetService<ILoggerFactory>(),
                sp.GetService<TimeProvider>()));
            services.AddHostedService(sp => sp.GetRequiredService<ActorJobsNode>());
            services.AddSingleton(sp => new JobClient(sp.GetRequiredService<ActorJobsNode>()));
            services.AddSingleton<IJobClient>(sp => sp.GetRequiredService<JobClient>());

            // The host cuts StopAsync short at its shutdown timeout (30 s by default); the drain needs that long plus its releases.
            services.AddOptions<HostOptions>().PostConfigure<IServiceProvider>((options, sp) =>
            {
                var drain = registration.Settings.ShutdownDrain;
                try
                {
                    drain = ActorJobsConfiguration.Read(configuration ?? sp.GetService<IConfiguration>(), registration.Settings).ShutdownDrain;
                }
                catch (ActorJobsConfigurationException)
                {
                    // Reported when the node starts.
                }

                var needed = drain + TimeSpan.FromSeconds(15);
                if (options.ShutdownTimeout < needed)
                {
                    options.ShutdownTimeout = needed;
                }
            });
        }

        configure?.Invoke(registration);
        return services;
    }

    /// <summary>Adds the ActorJobs node configured by <paramref name="configure"/> and the host's configuration (section <c>ActorJobs</c>).</summary>
    public static IServiceCollection AddActorJobs(this IServiceCollection services, Action<ActorJobsBuilder> configure) =>
        services.AddActorJobs(configuration: null, configure);
}
