using SaasPortal.Orm;

namespace SaasPortal.Saas.Mail;

/// <summary>
/// The per-database switch for outgoing mail. The portal sets <see cref="Key"/> in a tenant (for instance through
/// <c>do_upgrade_database</c>'s <c>params</c>, as staging copies do) to make every mail that database would queue a
/// no-op; <see cref="MailQueue"/> consults it in whatever database it queues into.
/// </summary>
public static class OutgoingMailSwitch
{
    /// <summary>Hidden <c>ir.config_parameter</c>: "1" or "True" switches the database's outgoing mail off.</summary>
    public const string Key = "saas_client.mail_disabled";

    /// <summary>Whether the database of <paramref name="env"/> has its outgoing mail switched off.</summary>
    public static async Task<bool> IsOffAsync(OrmEnvironment env, CancellationToken cancellationToken) =>
        await ConfigParameters.GetAsync(env, Key, cancellationToken) is { } value
        && (value.Trim() is "1" || value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));
}
