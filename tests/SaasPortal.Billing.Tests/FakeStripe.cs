using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SaasPortal.Billing.Tests;

/// <summary>
/// The part of Stripe's HTTP API the portal uses, on loopback: <c>POST /v1/checkout/sessions</c> answers a session
/// with a checkout URL, after checking the secret key; every request's form is kept for the tests to inspect.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string SecretKey = "sk_test_fake_0123456789";

    private readonly WebApplication _app;
    private int _sessions;

    private FakeStripe(WebApplication app) => _app = app;

    /// <summary>Base URL, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Form fields of each accepted session creation, by session id.</summary>
    public ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Sessions { get; } = new();

    /// <summary>Requests refused for a wrong or missing key.</summary>
    public int Unauthorised;

    public static async Task<FakeStripe> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeStripe(app);
        app.MapPost("/v1/checkout/sessions", (Delegate)fake.CreateSessionAsync);
        await app.StartAsync(cancellationToken);
        fake.Url = app.Urls.First();
        return fake;
    }

    private async Task<IResult> CreateSessionAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + SecretKey)
        {
            Interlocked.Increment(ref Unauthorised);
            return Results.Json(new { error = new { type = "invalid_request_error", message = "Invalid API Key provided" } }, statusCode: 401);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var id = $"cs_test_{Interlocked.Increment(ref _sessions):D4}{Guid.NewGuid():N}";
        Sessions[id] = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        return Results.Json(new Dictionary<string, object?>
        {
            ["id"] = id,
            ["object"] = "checkout.session",
            ["mode"] = "payment",
            ["payment_status"] = "unpaid",
            ["status"] = "open",
            ["client_reference_id"] = form["client_reference_id"].ToString(),
            ["url"] = "https://checkout.stripe.test/c/pay/" + id,
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
