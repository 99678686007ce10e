using System.Net;
using System.Text;

namespace SaasPortal.Billing.Tests;

/// <summary>Paying by card: a Checkout Session on the (fake) Stripe API, confirmed only by a correctly signed, fresh webhook.</summary>
[Collection(BillingCollection.Name)]
public sealed class StripeTests(BillingServer portal)
{
    private const string WebhookPath = "/saas_portal/billing/stripe/webhook";

    [Fact]
    public async Task Stripe_payment_is_confirmed_by_a_signed_webhook_and_a_forged_or_replayed_one_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await portal.NewTenantAsync("card", trial: false, ct);
        await portal.RunBillingJobAsync(ct);
        var invoice = Assert.Single(await tenant.InvoicesAsync(ct));

        // The customer (in View Online Payment Options through sign-up) starts the payment.
        var start = (IReadOnlyDictionary<string, object?>)(await tenant.Customer.ExecuteKwAsync("saas_portal.invoice", "start_payment",
            [new List<object?> { invoice["id"] }], ct, new Dictionary<string, object?> { ["provider"] = "stripe" }))!;
        var sessionId = (string)start["reference"]!;
        Assert.Equal("https://checkout.stripe.test/c/pay/" + sessionId, start["redirect_url"]);
        var sent = portal.Stripe.Sessions[sessionId];
        Assert.Equal("2900", sent["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("eur", sent["line_items[0][price_data][currency]"]);
        Assert.Equal(invoice["id"]!.ToString(), sent["client_reference_id"]);

        var payload = StripeSignature.CompletedEvent("evt_" + Guid.NewGuid().ToString("N"), sessionId);
        var now = DateTimeOffset.UtcNow;

        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(payload, StripeSignature.Header(payload, "whsec_forged", now), ct));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(payload, null, ct));
        // Signed with the right secret, but an hour ago: a captured delivery replayed.
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(payload, StripeSignature.Header(payload, BillingServer.WebhookSecret, now.AddHours(-1)), ct));
        // The signature covers the body: the same header on another session is refused.
        var tampered = payload.Replace(sessionId, "cs_test_other", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(tampered, StripeSignature.Header(payload, BillingServer.WebhookSecret, now), ct));
        Assert.Equal("open", (await tenant.InvoicesAsync(ct))[0]["state"]);

        Assert.Equal(HttpStatusCode.OK, await PostAsync(payload, StripeSignature.Header(payload, BillingServer.WebhookSecret, now), ct));

        var paid = (await tenant.InvoicesAsync(ct))[0];
        Assert.Equal("paid", paid["state"]);
        Assert.Equal("stripe", paid["provider"]);
        Assert.Equal(sessionId, paid["provider_reference"]);
        Assert.Equal(paid["period_end"], (await tenant.ClientAsync(ct, "expiration_datetime"))["expiration_datetime"]);

        // Stripe retries a delivery it thinks failed: accepted, and nothing happens twice.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(payload, StripeSignature.Header(payload, BillingServer.WebhookSecret, DateTimeOffset.UtcNow), ct));
        Assert.Equal(paid["paid_date"], (await tenant.InvoicesAsync(ct))[0]["paid_date"]);
        Assert.Equal(1, await portal.Admin.ExecuteKwAsync("saas_portal.payment_event", "search_count",
            [new List<object?> { new List<object?> { "invoice_id", "=", invoice["id"] } }], ct));
        Assert.Equal(0, portal.Stripe.Unauthorised);
        Assert.DoesNotContain(BillingServer.WebhookSecret, portal.Server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeStripe.SecretKey, portal.Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_customer_cannot_start_paying_an_invoice_that_is_not_theirs()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = await portal.NewTenantAsync("mine", trial: false, ct);
        var other = await portal.NewTenantAsync("other", trial: false, ct);
        await portal.RunBillingJobAsync(ct);
        var invoice = Assert.Single(await tenant.InvoicesAsync(ct));

        var fault = await Assert.ThrowsAsync<SaasPortal.Client.OdooFaultException>(() => other.Customer.ExecuteKwAsync("saas_portal.invoice", "start_payment",
            [new List<object?> { invoice["id"] }], ct));

        Assert.Contains("invoice's customer", fault.Message, StringComparison.Ordinal);
        Assert.Empty(await other.Customer.ExecuteKwAsync("saas_portal.invoice", "search", [new List<object?> { new List<object?> { "id", "=", invoice["id"] } }], ct)
            as IEnumerable<object?> ?? []);
    }

    private async Task<HttpStatusCode> PostAsync(string payload, string? signature, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, portal.Server.Url + WebhookPath)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        using var response = await portal.Http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }
}
