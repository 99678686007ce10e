using System.CommandLine;
using SaasPortal.Server.Hosting;

namespace SaasPortal.Server.Commands;

/// <summary>
/// <c>saasportal serve</c>: runs the HTTP server. Every option is also a configuration key under <c>SaasPortal</c>
/// (appsettings.json, or environment variables such as <c>SAASPORTAL__DATADIR</c>); the command line wins.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var settings = SettingsOptions.ForServe();
        var command = new Command("serve", "Run the HTTP server (XML-RPC, JSON-RPC and web-session routes).");
        settings.AddTo(command);
        var upgrade = new Option<bool>("--upgrade")
        {
            Description = "Before listening, upgrade every database whose installed addons are older than the addon files (after installing a new release).",
        };
        command.Options.Add(upgrade);
        command.SetAction((parseResult, cancellationToken) =>
            ServerHost.RunAsync(settings.Overrides(parseResult), cancellationToken, parseResult.GetValue(upgrade)));
        return command;
    }
}
