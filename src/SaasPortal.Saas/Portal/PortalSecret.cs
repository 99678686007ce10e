using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using SaasPortal.Saas.Provisioning;

namespace SaasPortal.Saas.Portal;

/// <summary>The portal's signing secret for access tokens, kept as a hidden parameter so every node shares it.</summary>
public static class PortalSecret
{
    /// <summary>Parameter key of the secret.</summary>
    public const string Key = "saas_portal.token_secret";

    /// <summary>The secret; created at the portal's first start.</summary>
    public static async Task<byte[]> GetAsync(OrmEnvironment portal, CancellationToken cancellationToken) =>
        await ConfigParameters.GetAsync(portal, Key, cancellationToken) is { Length: > 0 } stored
            ? AccessTokens.SecretBytes(stored)
            : throw new UserErrorException("The portal has no token secret: it was not initialised by its first start.");

    /// <summary>Creates the secret when missing.</summary>
    public static async Task EnsureAsync(OrmEnvironment portal, CancellationToken cancellationToken)
    {
        if (await ConfigParameters.GetAsync(portal, Key, cancellationToken) is not { Length: > 0 })
        {
            await ConfigParameters.SetAsync(portal, Key, AccessTokens.NewSecret(), hidden: true, cancellationToken);
        }
    }
}
