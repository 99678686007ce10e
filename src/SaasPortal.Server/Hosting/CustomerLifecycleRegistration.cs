using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Api.Services;
using SaasPortal.Orm.Service;
using SaasPortal.Saas.Domains;
using SaasPortal.Saas.Staging;

namespace SaasPortal.Server.Hosting;

/// <summary>Custom domains and staging copies (issue 11, items 2 and 3): their services, methods and RPC routing.</summary>
internal static class CustomerLifecycleRegistration
{
    /// <summary>Configuration key of the domain cache's lifetime on a node (a TimeSpan, default 00:00:30).</summary>
    public const string CacheTtlKey = "SaasPortal:Domains:CacheTtl";

    /// <summary>Registers the services; call after the ORM gateway is registered, which this wraps.</summary>
    public static IServiceCollection AddCustomerLifecycle(this IServiceCollection services, ServeSettings settings)
    {
        services.AddSingleton(sp => new DomainDirectorySettings
        {
            PortalDatabase = settings.PortalDatabase,
            Ttl = sp.GetService<IConfiguration>()?[CacheTtlKey] is { Length: > 0 } ttl
                ? TimeSpan.Parse(ttl, CultureInfo.InvariantCulture)
                : TimeSpan.FromSeconds(30),
        });
        services.AddSingleton<DomainDirectory>();
        services.AddSingleton<HttpOwnershipCheck>();
        services.AddSingleton<DomainOperations>();
        services.AddSingleton<StagingCopies>();
        services.AddSingleton<IAddonBehaviour, CustomerLifecycleBehaviour>();
        // The last registration wins: the edge's gateway resolves custom domains before the ORM sees a database name.
        services.AddSingleton<IOrmGateway>(sp => new CustomDomainGateway(new OrmGateway(sp.GetRequiredService<OrmService>()), sp.GetRequiredService<DomainDirectory>()));
        return services;
    }
}

/// <summary>
/// Lets RPC name a tenant by one of its verified custom domains, as it names one by its database name: a client of
/// <c>erp.example.com</c> passes <c>erp.example.com</c> as <c>db</c>, which is routed to the tenant's current
/// database. Unverified or removed domains are not translated, so the ORM answers "database … does not exist".
/// </summary>
internal sealed class CustomDomainGateway(IOrmGateway inner, DomainDirectory domains) : IOrmGateway
{
    public async Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken) =>
        await inner.AuthenticateAsync(await ResolveAsync(database, cancellationToken), login, password, cancellationToken);

    public async Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        await inner.ExecuteKwAsync(await ResolveAsync(database, cancellationToken), uid, password, model, method, args, kwargs, cancellationToken);

    public async Task<object?> ExecuteKwAsSessionUserAsync(string database, int uid, string model, string method, IReadOnlyList<object?> args,
        IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        await inner.ExecuteKwAsSessionUserAsync(await ResolveAsync(database, cancellationToken), uid, model, method, args, kwargs, cancellationToken);

    public void ForgetDatabase(string database) => inner.ForgetDatabase(database);

    private async ValueTask<string> ResolveAsync(string database, CancellationToken cancellationToken) =>
        await domains.DatabaseOfAsync(database, cancellationToken) ?? database;
}
