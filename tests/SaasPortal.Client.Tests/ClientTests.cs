using SaasPortal.Testing;

namespace SaasPortal.Client.Tests;

/// <summary>
/// The client against the real <c>serve</c> process: every service, the model API, the portal operations and
/// faults. Each derived class picks a backend (through its collection's server) and a protocol.
/// </summary>
public abstract class ClientTests(ServerFixture server, RpcProtocol protocol) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OdooClient Client => new(_http, new Uri(server.Url), protocol);

    private Task<OdooSession> AdminAsync() => Client.LoginAsync(server.PortalDatabase, "admin", "admin", Ct);

    public void Dispose()
    {
        _http.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Version_needs_no_credentials_and_reports_Odoo_8()
    {
        var version = await Client.Common.VersionAsync(Ct);
        Assert.Equal("8.0", version.ServerVersion);
        Assert.Equal("8.0", version.ServerSerie);
        Assert.Equal(1, version.ProtocolVersion);
        Assert.Equal(8, version.ServerVersionInfo[0]);
        Assert.Equal("8.0", await Client.Db.ServerVersionAsync(Ct));
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_call()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.Db.ListAsync(cancelled.Token));
    }

    [Fact]
    public async Task Authenticate_gives_the_uid_or_null_and_LoginAsync_refuses_bad_credentials_with_code_3()
    {
        Assert.Equal(1, await Client.Common.AuthenticateAsync(server.PortalDatabase, "admin", "admin", Ct));
        Assert.Equal(1, await Client.Common.LoginAsync(server.PortalDatabase, "admin", "admin", Ct));
        Assert.Null(await Client.Common.AuthenticateAsync(server.PortalDatabase, "admin", "wrong", Ct));

        var fault = await Assert.ThrowsAsync<OdooFaultException>(() => Client.LoginAsync(server.PortalDatabase, "admin", "wrong", Ct));
        Assert.Equal(OdooFaultException.AccessDenied, fault.FaultCode);
        var session = await AdminAsync();
        Assert.Equal(1, session.Uid);
        var wrong = Client.Session(server.PortalDatabase, 1, "wrong");
        var denied = await Assert.ThrowsAsync<OdooFaultException>(() => wrong.Model("res.partner").SearchCountAsync([], Ct));
        Assert.Equal((OdooFaultException.AccessDenied, "AccessDenied", "Access Denied"), (denied.FaultCode, denied.ExceptionName, denied.Message));
    }

    [Fact]
    public async Task The_model_API_creates_searches_reads_writes_counts_describes_and_unlinks()
    {
        var partners = (await AdminAsync()).Model("res.partner");
        var marker = "client-" + Guid.NewGuid().ToString("N")[..8];
        var company = await partners.CreateAsync(new Dictionary<string, object?> { ["name"] = "Acme " + marker, ["is_company"] = true }, Ct);
        var contacts = await partners.CreateManyAsync(
        [
            new Dictionary<string, object?> { ["name"] = "Bob " + marker, ["parent_id"] = company, ["email"] = "bob@example.com" },
            new Dictionary<string, object?> { ["name"] = "Ann " + marker, ["parent_id"] = company },
        ], Ct);
        Assert.Equal(2, contacts.Count);
        List<object?> domain = [new List<object?> { "name", "ilike", marker }];

        Assert.Equal(3, await partners.SearchCountAsync(domain, Ct));
        Assert.Equal([contacts[1], contacts[0]], await partners.SearchAsync(
            [new List<object?> { "parent_id", "=", company }], Ct, new SearchOptions(Order: "name")));
        Assert.Single(await partners.SearchAsync(domain, Ct, new SearchOptions(Offset: 1, Limit: 1, Order: "id")));

        var bob = Assert.Single(await partners.ReadAsync([contacts[0]], ["name", "email", "parent_id"], Ct));
        Assert.Equal(contacts[0], bob["id"]);
        Assert.Equal("bob@example.com", bob["email"]);
        Assert.Equal(new List<object?> { company, "Acme " + marker }, bob["parent_id"]);

        await partners.WriteAsync(contacts, new Dictionary<string, object?> { ["email"] = "team@example.com" }, Ct);
        var rows = await partners.SearchReadAsync([new List<object?> { "email", "=", "team@example.com" }, .. domain], ["email"], Ct,
            new SearchOptions(Order: "id"));
        Assert.Equal(contacts, rows.Select(r => (int)r["id"]!));
        Assert.Equal(["email", "id"], rows[0].Keys.Order());

        var fields = await partners.FieldsGetAsync(Ct, ["name", "parent_id"], ["type", "relation"]);
        Assert.Equal("char", fields["name"]["type"]);
        Assert.Equal("res.partner", fields["parent_id"]["relation"]);

        await partners.UnlinkAsync([.. contacts, company], Ct);
        Assert.Equal(0, await partners.SearchCountAsync(domain, Ct));
    }

    [Fact]
    public async Task The_typed_model_maps_records_onto_a_class_both_ways()
    {
        var partners = (await AdminAsync()).Model<Partner>("res.partner");
        Assert.Equal(["id", "name", "email", "is_company", "parent_id", "child_ids", "create_date"], partners.Fields);
        var marker = "typed-" + Guid.NewGuid().ToString("N")[..8];
        var company = await partners.CreateAsync(new Partner { Name = "Acme " + marker, IsCompany = true }, Ct);
        var contact = await partners.CreateAsync(new Partner { Name = "Bob " + marker, Parent = new Many2One(company, "") }, Ct);

        var read = Assert.Single(await partners.ReadAsync([contact], Ct));
        Assert.Equal((contact, "Bob " + marker, null, false), (read.Id, read.Name, read.Email, read.IsCompany));
        Assert.Equal(new Many2One(company, "Acme " + marker), read.Parent);
        Assert.Equal(DateTimeKind.Utc, read.CreateDate!.Value.Kind);
        Assert.True(DateTime.UtcNow - read.CreateDate.Value < TimeSpan.FromMinutes(5));

        read.Email = "bob@example.com";
        await partners.WriteAsync([contact], read, Ct);
        var rows = await partners.SearchReadAsync([new List<object?> { "name", "ilike", marker }], Ct, new SearchOptions(Order: "id"));
        Assert.Equal([company, contact], rows.Select(r => r.Id));
        Assert.Equal([contact], rows[0].ChildIds);
        Assert.Equal("bob@example.com", rows[1].Email);

        await partners.UnlinkAsync([contact, company], Ct);
        Assert.Empty(await partners.SearchAsync([new List<object?> { "name", "ilike", marker }], Ct));
    }

    [Fact]
    public async Task Faults_carry_Odoos_code_class_name_and_message()
    {
        var admin = await AdminAsync();
        var unknown = await Assert.ThrowsAsync<OdooFaultException>(() => admin.Model("no.such.model").SearchAsync([], Ct));
        Assert.Equal((OdooFaultException.Warning, "UserError", "Object no.such.model doesn't exist"),
            (unknown.FaultCode, unknown.ExceptionName, unknown.Message));

        var @private = await Assert.ThrowsAsync<OdooFaultException>(() => admin.Model("res.partner").CallAsync("_private", [], Ct));
        Assert.Equal((OdooFaultException.AccessError, "AccessError"), (@private.FaultCode, @private.ExceptionName));

        var domain = await Assert.ThrowsAsync<OdooFaultException>(() =>
            admin.Model("res.partner").SearchAsync([new List<object?> { "name", "no such operator", "x" }], Ct));
        Assert.Equal((OdooFaultException.ApplicationError, "ValueError"), (domain.FaultCode, domain.ExceptionName));
        Assert.Contains("no such operator", domain.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<OdooFaultException>(() => admin.Model("res.partner").ReadAsync([int.MaxValue], ["name"], Ct));
        Assert.Equal((OdooFaultException.Warning, "MissingError"), (missing.FaultCode, missing.ExceptionName));
        Assert.StartsWith("Record does not exist or has been deleted.", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_db_service_creates_duplicates_renames_dumps_restores_and_drops_with_the_master_password()
    {
        var master = server.MasterPassword;
        var (a, b, c, d) = (server.NewDatabaseName("a"), server.NewDatabaseName("b"), server.NewDatabaseName("c"), server.NewDatabaseName("d"));
        await Client.Db.CreateDatabaseAsync(master, a, "first admin", Ct);
        Assert.True(await Client.Db.ExistsAsync(a, Ct));
        Assert.Equal(1, await Client.Common.AuthenticateAsync(a, "admin", "first admin", Ct));

        await Client.Db.DuplicateDatabaseAsync(master, a, b, Ct);
        await Client.Db.RenameAsync(master, b, c, Ct);
        var listed = await Client.Db.ListAsync(Ct);
        Assert.Contains(a, listed);
        Assert.Contains(c, listed);
        Assert.DoesNotContain(b, listed);

        var archive = await Client.Db.DumpAsync(master, c, Ct);
        Assert.Equal("PK"u8.ToArray(), archive[..2]);
        await Client.Db.RestoreAsync(master, d, archive, Ct, copy: true);
        Assert.Equal(1, await Client.Common.AuthenticateAsync(d, "admin", "first admin", Ct));

        var refused = await Assert.ThrowsAsync<OdooFaultException>(() => Client.Db.DropAsync("not the master password", a, Ct));
        Assert.Equal(OdooFaultException.AccessDenied, refused.FaultCode);
        foreach (var name in new[] { a, c, d })
        {
            Assert.True(await Client.Db.DropAsync(master, name, Ct));
        }

        Assert.False(await Client.Db.DropAsync(master, a, Ct));
        Assert.False(await Client.Db.ExistsAsync(a, Ct));
    }

    [Fact]
    public async Task The_portal_signs_up_a_customer_sells_a_database_suspends_resumes_and_limits_it()
    {
        var portal = (await AdminAsync()).Portal();
        var login = $"client-{Guid.NewGuid():N}@example.com";
        var signup = await portal.SignupAsync(login, "Client Name", "client password", Ct);
        Assert.Equal((server.PortalDatabase, login), (signup.Database, signup.Login));
        var customer = await Client.Common.AuthenticateAsync(server.PortalDatabase, login, "client password", Ct);
        Assert.NotNull(customer);

        var tenant = server.NewDatabaseName("shop");
        var created = await portal.CreateNewDatabaseAsync(new NewDatabaseRequest
        {
            PlanId = 1, DatabaseName = tenant, UserId = customer, OwnerPassword = "owner secret",
        }, Ct);
        Assert.Equal(created.ClientRecordId, await portal.FindClientAsync(tenant, Ct));
        Assert.NotEmpty(created.ClientId);
        var owner = await Client.LoginAsync(tenant, login, "owner secret", Ct);
        Assert.True(await owner.Model("res.partner").SearchCountAsync([], Ct) > 0);

        await portal.SuspendAsync(created.ClientRecordId, Ct);
        var suspended = await Assert.ThrowsAsync<OdooFaultException>(() => owner.Model("res.partner").SearchCountAsync([], Ct));
        Assert.Equal((OdooFaultException.Warning, "UserError"), (suspended.FaultCode, suspended.ExceptionName));
        Assert.Contains("suspended", suspended.Message, StringComparison.Ordinal);
        await portal.ResumeAsync(created.ClientRecordId, Ct);
        Assert.True(await owner.Model("res.partner").SearchCountAsync([], Ct) > 0);

        // The owner is the one internal user; the limit binds the tenant's superuser (the operator) too.
        await portal.SetMaxUsersAsync(created.ClientRecordId, 1, Ct);
        var operatorSession = await Client.LoginAsync(tenant, "admin", "admin", Ct);
        var employee = await operatorSession.Model("ir.model.data").CallAsync("xmlid_to_res_id", ["base.group_user"], Ct);
        var limited = await Assert.ThrowsAsync<OdooFaultException>(() => operatorSession.Model("res.users").CreateAsync(
            new Dictionary<string, object?>
            {
                ["name"] = "Second", ["login"] = "second@example.com",
                ["groups_id"] = new List<object?> { new List<object?> { 6, 0, new List<object?> { employee } } },
            }, Ct));
        Assert.Equal("Maximum allowed users is 1, while you already have 1", limited.Message);
        Assert.Null(await portal.FindClientAsync("no-such-" + tenant, Ct));
    }
}

[Collection(SqliteServerCollection.Name)]
public sealed class SqliteXmlRpcClientTests(SqliteServerFixture server) : ClientTests(server, RpcProtocol.XmlRpc);

// The protocol does not depend on the backend: JSON-RPC runs on SQLite only, which keeps the run short.
[Collection(SqliteServerCollection.Name)]
public sealed class SqliteJsonRpcClientTests(SqliteServerFixture server) : ClientTests(server, RpcProtocol.JsonRpc);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresXmlRpcClientTests(PostgresServerFixture server) : ClientTests(server, RpcProtocol.XmlRpc);

/// <summary>A partner as an integrator would declare it for <see cref="OdooModel{T}"/>.</summary>
public sealed class Partner
{
    public int Id { get; private set; }

    public string? Name { get; set; }

    public string? Email { get; set; }

    public bool IsCompany { get; set; }

    [OdooField("parent_id")]
    public Many2One? Parent { get; set; }

    public IReadOnlyList<int> ChildIds { get; private set; } = [];

    public DateTime? CreateDate { get; private set; }
}
