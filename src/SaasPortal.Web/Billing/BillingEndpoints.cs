using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SaasPortal.Saas.Billing;

namespace SaasPortal.Web.Billing;

/// <summary>Payment providers' callbacks: Stripe's webhook. Mapped outside the pages' antiforgery, since the signature is the proof.</summary>
public static class BillingEndpoints
{
    /// <summary>Where Stripe posts its events (configure this URL on the webhook endpoint in Stripe's dashboard).</summary>
    public const string StripeWebhookPath = "/saas_portal/billing/stripe/webhook";

    /// <summary>Maps the webhook.</summary>
    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(StripeWebhookPath, StripeWebhookAsync);
        return endpoints;
    }

    private static async Task<IResult> StripeWebhookAsync(HttpContext context, StripeWebhook webhook)
    {
        if (context.Request.ContentLength > StripeWebhook.MaxPayloadBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        // The signature covers the exact bytes, so the body is read as sent, with a bound even without Content-Length.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > StripeWebhook.MaxPayloadBytes)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        var payload = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        var outcome = await webhook.HandleAsync(payload, context.Request.Headers["Stripe-Signature"].ToString(), context.RequestAborted);
        return outcome == WebhookOutcome.Refused
            ? Results.Text("Refused: the signature does not match or is too old.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest)
            : Results.Text(outcome.ToString().ToLowerInvariant(), "text/plain; charset=utf-8");
    }
}
