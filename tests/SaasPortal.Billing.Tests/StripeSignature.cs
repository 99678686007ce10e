using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SaasPortal.Billing.Tests;

/// <summary>Stripe's webhook signature, computed as Stripe documents it (not with Stripe.net, which the server uses to check it).</summary>
internal static class StripeSignature
{
    /// <summary><c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.payload" with the secret&gt;</c>.</summary>
    public static string Header(string payload, string secret, DateTimeOffset signedAt)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + payload));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A <c>checkout.session.completed</c> event for a paid session.</summary>
    public static string CompletedEvent(string eventId, string sessionId) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = eventId, ["object"] = "event", ["api_version"] = "2025-01-27.acacia", ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["livemode"] = false, ["pending_webhooks"] = 1, ["type"] = "checkout.session.completed",
        ["request"] = new Dictionary<string, object?> { ["id"] = null, ["idempotency_key"] = null },
        ["data"] = new Dictionary<string, object?>
        {
            ["object"] = new Dictionary<string, object?>
            {
                ["id"] = sessionId, ["object"] = "checkout.session", ["mode"] = "payment", ["status"] = "complete", ["payment_status"] = "paid",
                ["amount_total"] = 2900, ["currency"] = "eur",
            },
        },
    });
}
