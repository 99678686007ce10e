using System.Globalization;
using SaasPortal.Client;
using SaasPortal.Testing;

// The suite runs the server on Linux, as CI does.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace SaasPortal.Billing.Tests;

/// <summary>
/// One SQLite-backed <c>serve</c> process configured with Stripe pointing at <see cref="FakeStripe"/>, a priced plan
/// (29.00 EUR a month, 1 user included, 5.00 per extra user, 1 day of grace, 24-hour trials) and helpers to sign
/// customers up and create their databases over XML-RPC. SQLite unless made with <c>postgres: true</c>.
/// </summary>
public abstract class BillingServerBase(bool postgres) : IAsyncLifetime
{
    public const string WebhookSecret = "whsec_test_billing_secret";
    public const string AdminPassword = "admin";

    private readonly string _prefix = "b" + Guid.NewGuid().ToString("N")[..7];
    private int _counter;

    public FakeStripe Stripe { get; private set; } = null!;

    public ServerProcess Server { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    public OdooClient Client { get; private set; } = null!;

    public string PortalDatabase => _prefix + "-portal";

    /// <summary>The portal's superuser.</summary>
    public OdooSession Admin => Client.Session(PortalDatabase, 1, AdminPassword);

    public int PlanId { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        Stripe = await FakeStripe.StartAsync(ct);
        List<string> arguments = ["--portal-db", PortalDatabase];
        if (postgres)
        {
            arguments.AddRange(["--db-backend", "postgres", "--pg", await TestPostgres.ConnectionStringAsync(ct)]);
        }

        Server = await ServerProcess.StartAsync(Path.Combine(Path.GetTempPath(), "saasportal-billing-" + _prefix), arguments, ct,
            new Dictionary<string, string>
            {
                ["SaasPortal__Billing__Stripe__SecretKey"] = FakeStripe.SecretKey,
                ["SaasPortal__Billing__Stripe__WebhookSecret"] = WebhookSecret,
                ["SaasPortal__Billing__Stripe__ApiBase"] = Stripe.Url,
            });
        Client = new OdooClient(Http, new Uri(Server.Url));
        var basePlan = (IReadOnlyDictionary<string, object?>)((IList<object?>)(await Admin.ExecuteKwAsync("saas_portal.plan", "read",
            [new List<object?> { 1 }, new List<object?> { "template_id", "server_id" }], ct))!)[0]!;
        PlanId = (int)(await Admin.ExecuteKwAsync("saas_portal.plan", "create", [new Dictionary<string, object?>
        {
            ["name"] = "Business", ["state"] = "confirmed", ["template_id"] = ((IList<object?>)basePlan["template_id"]!)[0],
            ["dbname_template"] = _prefix + "-%i.localhost", ["currency"] = "EUR", ["price_monthly"] = "29.00", ["price_yearly"] = "290.00",
            ["included_users"] = 1, ["price_extra_user"] = "5.00", ["grace_period"] = 1, ["expiration"] = 24,
        }], ct))!;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Stripe.DisposeAsync();
        Http.Dispose();
        if (postgres)
        {
            await TestPostgres.DropDatabasesAsync(_prefix, CancellationToken.None);
        }

        Directory.Delete(Server.DataDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh name under this server's prefix.</summary>
    public string NewName(string hint) => $"{_prefix}-{hint}{Interlocked.Increment(ref _counter)}";

    /// <summary>Signs a customer up (a portal user with View Online Payment Options) and creates a database of the priced plan for them.</summary>
    public async Task<Tenant> NewTenantAsync(string hint, bool trial, CancellationToken cancellationToken)
    {
        var login = NewName(hint) + "@example.com";
        var password = "customer-pw-" + login;
        await Admin.ExecuteKwAsync("res.users", "signup", [new Dictionary<string, object?> { ["login"] = login, ["name"] = "Customer " + hint, ["password"] = password }],
            cancellationToken);
        var customer = await Client.LoginAsync(PortalDatabase, login, password, cancellationToken);
        var name = NewName(hint);
        var ownerPassword = "owner-pw-" + name;
        var created = (IReadOnlyDictionary<string, object?>)(await Admin.ExecuteKwAsync("saas_portal.plan", "create_new_database", [new List<object?> { PlanId }],
            cancellationToken, new Dictionary<string, object?> { ["dbname"] = name, ["user_id"] = customer.Uid, ["owner_password"] = ownerPassword, ["trial"] = trial }))!;
        var owner = await Client.LoginAsync(name, login, ownerPassword, cancellationToken);
        return new Tenant(this, name, (int)created["id"]!, customer, owner, login, password);
    }

    /// <summary>Runs the billing step of the maintenance pass now.</summary>
    public async Task<IReadOnlyDictionary<string, object?>> RunBillingJobAsync(CancellationToken cancellationToken) =>
        (IReadOnlyDictionary<string, object?>)(await Admin.ExecuteKwAsync("saas_portal.invoice", "run_billing_job", [], cancellationToken))!;

    /// <summary>Odoo's datetime text of <paramref name="utc"/>.</summary>
    public static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Reads Odoo's datetime text.</summary>
    public static DateTime Parse(object? text) =>
        DateTime.SpecifyKind(DateTime.ParseExact((string)text!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc);
}

/// <summary>The billing server on SQLite.</summary>
public sealed class BillingServer() : BillingServerBase(postgres: false);

/// <summary>A customer's database: its client record on the portal and its owner's session in the tenant.</summary>
public sealed record Tenant(BillingServerBase Portal, string Name, int ClientId, OdooSession Customer, OdooSession Owner, string CustomerLogin, string CustomerPassword)
{
    /// <summary>Fields of the portal's client record.</summary>
    public async Task<IReadOnlyDictionary<string, object?>> ClientAsync(CancellationToken cancellationToken, params string[] fields) =>
        (IReadOnlyDictionary<string, object?>)((IList<object?>)(await Portal.Admin.ExecuteKwAsync("saas_portal.client", "read",
            [new List<object?> { ClientId }, fields.ToList<object?>()], cancellationToken))!)[0]!;

    /// <summary>The client's invoices, oldest first.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> InvoicesAsync(CancellationToken cancellationToken) =>
        [.. ((IList<object?>)(await Portal.Admin.ExecuteKwAsync("saas_portal.invoice", "search_read",
            [new List<object?> { new List<object?> { "client_id", "=", ClientId } }], cancellationToken,
            new Dictionary<string, object?>
            {
                ["fields"] = new List<object?> { "name", "state", "period_start", "period_end", "amount", "currency", "provider", "provider_reference", "paid_date", "subscription_id" },
                ["order"] = "id asc",
            }))!).Cast<IReadOnlyDictionary<string, object?>>()];

    /// <summary>The client's subscription.</summary>
    public async Task<IReadOnlyDictionary<string, object?>> SubscriptionAsync(CancellationToken cancellationToken) =>
        (IReadOnlyDictionary<string, object?>)((IList<object?>)(await Portal.Admin.ExecuteKwAsync("saas_portal.subscription", "search_read",
            [new List<object?> { new List<object?> { "client_id", "=", ClientId } }], cancellationToken,
            new Dictionary<string, object?> { ["fields"] = new List<object?> { "state", "period", "next_invoice_date" } }))!).Single()!;

    /// <summary>Whether the owner's calls are accepted (false: the tenant refuses them as expired).</summary>
    public async Task<bool> OwnerMayWorkAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Owner.ExecuteKwAsync("res.partner", "search_count", [new List<object?>()], cancellationToken);
            return true;
        }
        catch (OdooFaultException e) when (e.Message.Contains("expired", StringComparison.Ordinal))
        {
            return false;
        }
    }
}
