namespace SaasPortal.Saas.Billing;

/// <summary>Settings of the portal's billing (configuration section <c>SaasPortal:Billing</c>).</summary>
public sealed record BillingSettings
{
    /// <summary>The portal database that holds plans, subscriptions and invoices.</summary>
    public required string PortalDatabase { get; init; }

    /// <summary>How long before a period starts its invoice is generated; a week unless configured.</summary>
    public TimeSpan InvoiceLeadTime { get; init; } = TimeSpan.FromDays(7);

    /// <summary>
    /// What the manual provider tells a customer; <c>{reference}</c>, <c>{amount}</c> and <c>{currency}</c> are
    /// replaced. The operator's bank details belong here.
    /// </summary>
    public string ManualInstructions { get; init; } =
        "Pay {amount} {currency} by bank transfer, with {reference} as the payment reference. The invoice is marked paid when the transfer arrives.";

    /// <summary>Stripe, or null when no secret key is configured (the provider is then not offered).</summary>
    public StripeSettings? Stripe { get; init; }
}

/// <summary>Settings of the Stripe provider (<c>SaasPortal:Billing:Stripe</c>). Secrets: never log them.</summary>
public sealed record StripeSettings
{
    /// <summary>The secret API key (sk_live_… or sk_test_…).</summary>
    public required string SecretKey { get; init; }

    /// <summary>The signing secret of the webhook endpoint (whsec_…).</summary>
    public required string WebhookSecret { get; init; }

    /// <summary>Stripe's API base URL; a local fake in tests.</summary>
    public Uri ApiBase { get; init; } = new("https://api.stripe.com");

    /// <summary>How old a webhook's signed timestamp may be; older deliveries are refused as replays.</summary>
    public TimeSpan WebhookTolerance { get; init; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public override string ToString() => $"StripeSettings {{ ApiBase = {ApiBase}, WebhookTolerance = {WebhookTolerance} }}";
}
