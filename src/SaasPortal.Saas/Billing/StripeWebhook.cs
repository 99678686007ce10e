using Microsoft.Extensions.Logging;
using SaasPortal.Orm;
using SaasPortal.Orm.Service;
using Stripe;
using Stripe.Checkout;

namespace SaasPortal.Saas.Billing;

/// <summary>What became of one webhook delivery.</summary>
public enum WebhookOutcome
{
    /// <summary>Verified and applied (an invoice was paid).</summary>
    Applied,

    /// <summary>Verified, but of a type or for a session we do not act on; recorded so a retry stays a no-op.</summary>
    Ignored,

    /// <summary>Verified, and this event id was applied before: nothing changes a second time.</summary>
    Duplicate,

    /// <summary>Not signed with our secret, signed too long ago (a replay), or unreadable: refused.</summary>
    Refused,
}

/// <summary>
/// Stripe's webhook: every delivery is verified with Stripe.net's <see cref="EventUtility.ConstructEvent(string, string, string, long, bool)"/>
/// against the endpoint's signing secret and timestamp tolerance before anything is read from it, and each event
/// id is recorded in <c>saas_portal.payment_event</c> so that a delivery Stripe retries pays nothing twice.
/// </summary>
public sealed partial class StripeWebhook(Func<OrmService> orm, BillingSettings settings, InvoicePayments payments, ILogger<StripeWebhook> logger)
{
    /// <summary>Largest body accepted; Stripe's events are a few kilobytes.</summary>
    public const int MaxPayloadBytes = 256 * 1024;

    /// <summary>Verifies and applies one delivery.</summary>
    public async Task<WebhookOutcome> HandleAsync(string payload, string? signatureHeader, CancellationToken cancellationToken)
    {
        if (settings.Stripe is not { } stripe || string.IsNullOrEmpty(signatureHeader))
        {
            return WebhookOutcome.Refused;
        }

        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(payload, signatureHeader, stripe.WebhookSecret,
                (long)stripe.WebhookTolerance.TotalSeconds, throwOnApiVersionMismatch: false);
        }
        catch (StripeException e)
        {
            // The reason only ("No signatures found matching the expected signature", "timestamp outside the
            // tolerance zone"): never the header, the payload or the secret.
            LogRefused(logger, e.Message);
            return WebhookOutcome.Refused;
        }

        return await orm().RunAsync(settings.PortalDatabase, OrmEnvironment.SuperuserId, write: true,
            env => ApplyAsync(env, stripeEvent, cancellationToken), cancellationToken);
    }

    private async Task<WebhookOutcome> ApplyAsync(OrmEnvironment portal, Event stripeEvent, CancellationToken cancellationToken)
    {
        var events = portal.Sudo()["saas_portal.payment_event"];
        if (await events.SearchCountAsync(Wire.Domain(("name", "=", stripeEvent.Id)), cancellationToken) > 0)
        {
            return WebhookOutcome.Duplicate;
        }

        int? invoiceId = null;
        if (stripeEvent.Type is EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded
            && stripeEvent.Data.Object is Session { PaymentStatus: "paid" } session)
        {
            // Matched on the session id we stored when the payment started, not on metadata alone.
            var invoices = await portal.Sudo()["saas_portal.invoice"].SearchAsync(Wire.Domain(
                ("provider", "=", StripePaymentProvider.ProviderCode), ("provider_reference", "=", session.Id)), cancellationToken, limit: 1);
            if (invoices.Count == 1)
            {
                invoiceId = invoices.Id;
                await payments.PayAsync(portal, invoices.Id, StripePaymentProvider.ProviderCode, session.Id, cancellationToken);
            }
        }

        // A unique event id: of two concurrent deliveries of one event, one commits and the other rolls back.
        await events.CreateAsync(Wire.Values(("name", stripeEvent.Id), ("provider", StripePaymentProvider.ProviderCode),
            ("event_type", stripeEvent.Type), ("invoice_id", invoiceId ?? (object)false)), cancellationToken);
        LogApplied(logger, stripeEvent.Id, stripeEvent.Type, invoiceId);
        return invoiceId is null ? WebhookOutcome.Ignored : WebhookOutcome.Applied;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe webhook refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({EventType}) recorded; invoice paid: {InvoiceId}")]
    private static partial void LogApplied(ILogger logger, string eventId, string eventType, int? invoiceId);
}
