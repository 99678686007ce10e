using System.Globalization;
using Stripe;
using Stripe.Checkout;

namespace SaasPortal.Saas.Billing;

/// <summary>
/// Card payments through a Stripe Checkout Session: the customer is redirected to Stripe's page; Stripe confirms
/// with a signed <c>checkout.session.completed</c> webhook (<see cref="StripeWebhook"/>) that names the session,
/// whose id is kept on the invoice as its provider reference.
/// </summary>
public sealed class StripePaymentProvider : IPaymentProvider
{
    /// <summary>The code of this provider.</summary>
    public const string ProviderCode = "stripe";

    private readonly StripeClient _client;

    /// <summary>A provider talking to <see cref="StripeSettings.ApiBase"/> with the secret key.</summary>
    public StripePaymentProvider(StripeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _client = new StripeClient(new StripeClientOptions
        {
            ApiKey = settings.SecretKey,
            ApiBase = settings.ApiBase.AbsoluteUri.TrimEnd('/'),
        });
    }

    /// <inheritdoc />
    public string Code => ProviderCode;

    /// <inheritdoc />
    public string Label => "Card (Stripe)";

    /// <inheritdoc />
    public async Task<PaymentStart> StartAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var invoiceId = request.InvoiceId.ToString(CultureInfo.InvariantCulture);
        var options = new SessionCreateOptions
        {
            Mode = "payment",
            ClientReferenceId = invoiceId,
            CustomerEmail = request.CustomerEmail,
            SuccessUrl = request.ReturnUrl.AbsoluteUri,
            CancelUrl = request.ReturnUrl.AbsoluteUri,
            Metadata = new Dictionary<string, string> { ["invoice_id"] = invoiceId, ["invoice_number"] = request.InvoiceNumber },
            LineItems =
            [
                new SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new SessionLineItemPriceDataOptions
                    {
                        Currency = request.Currency.ToLowerInvariant(),
                        UnitAmount = Money.ToMinorUnits(request.Amount, request.Currency),
                        ProductData = new SessionLineItemPriceDataProductDataOptions { Name = request.Description },
                    },
                },
            ],
        };
        try
        {
            var session = await new SessionService(_client).CreateAsync(options, new RequestOptions(), cancellationToken);
            return new PaymentStart(session.Url, null, session.Id);
        }
        catch (StripeException e)
        {
            // Stripe's message names the problem (amount, currency, key mode) and never carries the key itself.
            throw new SaasPortal.Orm.Errors.UserErrorException($"Stripe could not start the payment: {e.Message}");
        }
    }
}
