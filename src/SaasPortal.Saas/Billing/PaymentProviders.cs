using SaasPortal.Orm.Errors;

namespace SaasPortal.Saas.Billing;

/// <summary>What a provider needs to start collecting one invoice.</summary>
/// <param name="InvoiceId">The invoice's record id.</param>
/// <param name="InvoiceNumber">Its number, shown to the customer and used as the manual reference.</param>
/// <param name="Amount">Amount due.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Description">One line naming the database and period.</param>
/// <param name="CustomerEmail">The customer's e-mail, when known.</param>
/// <param name="ReturnUrl">Where the customer comes back to after paying or giving up.</param>
public sealed record PaymentRequest(int InvoiceId, string InvoiceNumber, decimal Amount, string Currency, string Description, string? CustomerEmail, Uri ReturnUrl);

/// <summary>How the customer goes on: to a provider's page, or by following instructions.</summary>
/// <param name="RedirectUrl">The provider's payment page, or null.</param>
/// <param name="Instructions">Text to show instead (bank transfer details), or null.</param>
/// <param name="Reference">The provider's reference of this attempt, kept on the invoice to match its confirmation.</param>
public sealed record PaymentStart(string? RedirectUrl, string? Instructions, string Reference);

/// <summary>
/// A way of collecting an invoice. Starting a payment is the provider's job; confirming it comes back separately
/// (the operator marking a transfer received, or a provider's signed webhook), and ends in
/// <see cref="InvoicePayments.PayAsync"/>.
/// </summary>
public interface IPaymentProvider
{
    /// <summary>Stored in the invoice's provider field: <c>manual</c>, <c>stripe</c>.</summary>
    string Code { get; }

    /// <summary>Shown on the Pay button.</summary>
    string Label { get; }

    /// <summary>Starts collecting <paramref name="request"/>.</summary>
    Task<PaymentStart> StartAsync(PaymentRequest request, CancellationToken cancellationToken);
}

/// <summary>The configured providers, by code; the manual one is always there.</summary>
public sealed class PaymentProviders(IEnumerable<IPaymentProvider> providers)
{
    private readonly IReadOnlyList<IPaymentProvider> _all = [.. providers];

    /// <summary>Every configured provider, manual first.</summary>
    public IReadOnlyList<IPaymentProvider> All => _all;

    /// <summary>The provider of <paramref name="code"/>, or a UserError naming the ones available.</summary>
    public IPaymentProvider Get(string code) =>
        _all.FirstOrDefault(p => string.Equals(p.Code, code, StringComparison.Ordinal))
        ?? throw new UserErrorException($"Unknown payment provider '{code}'. Available: {string.Join(", ", _all.Select(p => p.Code))}.");
}

/// <summary>Bank transfer: the customer gets instructions with the invoice number as reference; the operator marks it paid.</summary>
public sealed class ManualPaymentProvider(BillingSettings settings) : IPaymentProvider
{
    /// <summary>The code of this provider.</summary>
    public const string ProviderCode = "manual";

    /// <inheritdoc />
    public string Code => ProviderCode;

    /// <inheritdoc />
    public string Label => "Bank transfer";

    /// <inheritdoc />
    public Task<PaymentStart> StartAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        var text = settings.ManualInstructions
            .Replace("{reference}", request.InvoiceNumber, StringComparison.Ordinal)
            .Replace("{amount}", Money.Format(request.Amount), StringComparison.Ordinal)
            .Replace("{currency}", request.Currency, StringComparison.Ordinal);
        return Task.FromResult(new PaymentStart(null, text, request.InvoiceNumber));
    }
}
