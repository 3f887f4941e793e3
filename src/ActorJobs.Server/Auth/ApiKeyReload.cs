using System.Runtime.InteropServices;
using Microsoft.Extensions.Primitives;

namespace ActorJobs.Server.Auth;

/// <summary>
/// Reloads the API keys without a restart: on SIGHUP the node reads its configuration again (files, environment,
/// command line), and on every reload of the configuration the keys under <c>ActorJobs:Server:ApiKeys</c> replace the
/// ones in use. A reload that would leave an unusable key, or move between keys and none, changes nothing and says why.
/// No key, hash or other setting value is logged.
/// </summary>
internal sealed partial class ApiKeyReload : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ApiKeyRing _keys;
    private readonly ILogger _logger;
    private readonly IDisposable _onChange;
    private readonly PosixSignalRegistration? _hangUp;

    private ApiKeyReload(IConfiguration configuration, ApiKeyRing keys, ILogger logger)
    {
        _configuration = configuration;
        _keys = keys;
        _logger = logger;
        _onChange = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        if (configuration is IConfigurationRoot root && !OperatingSystem.IsWindows())
        {
            _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true; // a hang-up reloads; it does not end the node
                LogHangUp(_logger);
                root.Reload();
            });
        }
    }

    /// <summary>Starts watching <paramref name="configuration"/>'s reloads (and SIGHUP, off Windows).</summary>
    public static ApiKeyReload Start(IConfiguration configuration, ApiKeyRing keys, ILogger logger) => new(configuration, keys, logger);

    public void Dispose()
    {
        _hangUp?.Dispose();
        _onChange.Dispose();
    }

    private void Reload()
    {
        try
        {
            var settings = _configuration.GetSection(ServerSettings.Section).Get<ServerSettings>(o => o.ErrorOnUnknownConfiguration = true) ?? new ServerSettings();
            _keys.Replace(settings.ApiKeys);
            LogReloaded(_logger, _keys.Count);
        }
        catch (InvalidOperationException e)
        {
            LogNotReloaded(_logger, e.Message, _keys.Count);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "SIGHUP: reading the configuration again")]
    private static partial void LogHangUp(ILogger logger);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "API keys reloaded: {KeyCount} key(s) in use")]
    private static partial void LogReloaded(ILogger logger, int keyCount);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "API keys not reloaded: {Reason} The {KeyCount} key(s) in use stay in use")]
    private static partial void LogNotReloaded(ILogger logger, string reason, int keyCount);
}
