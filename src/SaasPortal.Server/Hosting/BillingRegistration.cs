using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Saas.Billing;
using SaasPortal.Web.Billing;

namespace SaasPortal.Server.Hosting;

/// <summary>
/// Registers selling plans' billing: the job of the maintenance pass, payments, the providers (manual always,
/// Stripe when <c>SaasPortal:Billing:Stripe:SecretKey</c> is set) and the billing model methods, and what the billing pages read.
/// </summary>
internal static class BillingRegistration
{
    public const string Section = "SaasPortal:Billing";

    public static IServiceCollection AddSaasPortalBilling(this IServiceCollection services, string portalDatabase)
    {
        services.AddSingleton(sp => Read(sp.GetService<IConfiguration>()?.GetSection(Section), portalDatabase));
        services.AddSingleton<BillingJob>();
        services.AddSingleton<InvoicePayments>();
        services.AddSingleton<StripeWebhook>();
        services.AddSingleton<IPaymentProvider, ManualPaymentProvider>();
        services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<BillingSettings>().Stripe is { } stripe
            ? new StripePaymentProvider(stripe)
            : new UnconfiguredProvider());
        services.AddSingleton(sp => new PaymentProviders(sp.GetServices<IPaymentProvider>().Where(p => p is not UnconfiguredProvider)));
        services.AddSingleton<IAddonBehaviour, BillingBehaviour>();
        services.AddSingleton<BillingDirectory>();
        return services;
    }

    /// <summary>Reads and checks the section; a half-configured Stripe (key without webhook secret) stops the start.</summary>
    internal static BillingSettings Read(IConfigurationSection? section, string portalDatabase)
    {
        var defaults = new BillingSettings { PortalDatabase = portalDatabase };
        var stripe = section?.GetSection("Stripe");
        var key = stripe?["SecretKey"];
        var webhookSecret = stripe?["WebhookSecret"];
        if (string.IsNullOrEmpty(key) != string.IsNullOrEmpty(webhookSecret))
        {
            throw new InvalidOperationException($"{Section}:Stripe needs both SecretKey and WebhookSecret, or neither.");
        }

        return defaults with
        {
            InvoiceLeadTime = section?["InvoiceLeadTime"] is { Length: > 0 } lead ? TimeSpan.Parse(lead, CultureInfo.InvariantCulture) : defaults.InvoiceLeadTime,
            ManualInstructions = section?["ManualInstructions"] is { Length: > 0 } text ? text : defaults.ManualInstructions,
            Stripe = string.IsNullOrEmpty(key) ? null : new StripeSettings
            {
                SecretKey = key,
                WebhookSecret = webhookSecret!,
                ApiBase = stripe?["ApiBase"] is { Length: > 0 } apiBase ? new Uri(apiBase, UriKind.Absolute) : new Uri("https://api.stripe.com"),
                WebhookTolerance = stripe?["WebhookTolerance"] is { Length: > 0 } tolerance
                    ? TimeSpan.Parse(tolerance, CultureInfo.InvariantCulture)
                    : TimeSpan.FromMinutes(5),
            },
        };
    }

    /// <summary>Stands in for Stripe when it is not configured, and is filtered out of the providers.</summary>
    private sealed class UnconfiguredProvider : IPaymentProvider
    {
        public string Code => "";

        public string Label => "";

        public Task<PaymentStart> StartAsync(PaymentRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Not configured.");
    }
}
