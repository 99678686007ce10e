using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Security;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>The entry points the edge calls: authentication, credentials, dispatch errors, transactions, concurrency.</summary>
public abstract class ServiceTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    private Task<int?> Authenticate(string login, string password, string? database = null) =>
        Calls.AuthenticateAsync(database ?? Fixture.Database, login, password, Ct);

    [Fact]
    public async Task Authenticate_returns_the_uid_or_null_for_bad_credentials()
    {
        Assert.Equal(Users.Admin, await Authenticate("admin", "admin"));
        Assert.Equal(Users.Demo, await Authenticate("demo", "demo"));
        Assert.Null(await Authenticate("demo", "wrong"));
        Assert.Null(await Authenticate("nobody", "demo"));
        Assert.Null(await Authenticate("demo", ""));
        Assert.IsType<string>((await ReadOne("res.users", Users.Demo, "login_date"))["login_date"]);
    }

    [Fact]
    public async Task A_wrong_password_is_AccessDenied_with_fault_code_3()
    {
        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Calls.ExecuteKwAsync(Fixture.Database, Users.Demo, "wrong", "res.partner", "search", L(L()), D(), Ct));
        Assert.Equal("Access Denied", error.Message);
        Assert.Equal(3, error.FaultCode);
        Assert.Equal("odoo.exceptions.AccessDenied", error.PythonName);
    }

    [Fact]
    public async Task Credentials_are_checked_before_the_model_or_method()
    {
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Calls.ExecuteKwAsync(Fixture.Database, Users.Demo, "wrong", "no.such.model", "_private", L(), D(), Ct));
    }

    [Fact]
    public async Task A_user_of_one_database_is_unknown_in_another()
    {
        var (other, _) = await Fixture.CreateDatabaseAsync(Ct);
        var login = Unique("only");
        var uid = (int)(await Calls.ExecuteKwAsync(other, 1, "admin", "res.users", "create",
            L(D(("name", "Only Here"), ("login", login), ("password", "secret"))), D(), Ct))!;
        Assert.Equal(uid, await Authenticate(login, "secret", other));
        Assert.Null(await Authenticate(login, "secret"));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Calls.ExecuteKwAsync(Fixture.Database, uid, "secret", "res.partner", "search", L(L()), D(), Ct));
    }

    [Fact]
    public async Task A_changed_password_invalidates_the_cached_check()
    {
        var login = Unique("pw");
        var uid = (int)(await Admin("res.users", "create", D(("name", "Pw"), ("login", login), ("password", "old"),
            ("groups_id", L(L(4, Users.Groups["group_user"])))))) !;
        Assert.NotNull(await Calls.ExecuteKwAsync(Fixture.Database, uid, "old", "res.partner", "search", L(L()), D(), Ct));
        Assert.Equal(true, await Calls.ExecuteKwAsync(Fixture.Database, uid, "old", "res.users", "change_password", L("old", "new"), D(), Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Calls.ExecuteKwAsync(Fixture.Database, uid, "old", "res.partner", "search", L(L()), D(), Ct));
        Assert.NotNull(await Calls.ExecuteKwAsync(Fixture.Database, uid, "new", "res.partner", "search", L(L()), D(), Ct));
        Assert.Equal(uid, await Authenticate(login, "new"));
    }

    [Fact]
    public async Task A_deactivated_user_is_refused_even_with_a_cached_password_or_a_session()
    {
        var login = Unique("off");
        var uid = (int)(await Admin("res.users", "create", D(("name", "Off"), ("login", login), ("password", "pw"),
            ("groups_id", L(L(4, Users.Groups["group_user"])))))) !;
        Assert.NotNull(await Calls.ExecuteKwAsync(Fixture.Database, uid, "pw", "res.partner", "search", L(L()), D(), Ct));
        await Admin("res.users", "write", L(uid), D(("active", false)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Calls.ExecuteKwAsync(Fixture.Database, uid, "pw", "res.partner", "search", L(L()), D(), Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Fixture.Service.ExecuteKwAsSessionUserAsync(Fixture.Database, uid, "res.partner", "search", L(L()), D(), Ct));
        Assert.Null(await Authenticate(login, "pw"));
        Assert.NotNull(await Fixture.Service.ExecuteKwAsSessionUserAsync(Fixture.Database, Users.Demo, "res.partner", "search", L(L()), D(), Ct));
    }

    [Fact]
    public async Task Passwords_are_stored_as_Argon2id_hashes_that_no_call_can_read()
    {
        Assert.Equal(false, (await ReadOne("res.users", Users.Demo, "password"))["password"]);
        var all = await ReadOne("res.users", Users.Demo);
        Assert.False(all.ContainsKey("password_crypt"));
        Assert.DoesNotContain(all.Values, v => v is string s && s.Contains("argon2", StringComparison.Ordinal));
        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("res.users", "read", L(Users.Demo), L("password_crypt")));
        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("res.users", "search", L(L("password_crypt", "!=", false))));
        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("res.users", "write", L(Users.Demo), D(("password_crypt", "x"))));
        Assert.False(((Dictionary<string, object?>)(await Admin("res.users", "fields_get", L(), L("type")))!).ContainsKey("password_crypt"));

        var hash = await AsAdminAsync(async env =>
        {
            await using var command = env.Transaction.Connection.CreateCommand();
            command.Transaction = env.Transaction.Transaction;
            command.CommandText = "SELECT password_crypt FROM res_users WHERE login = 'demo'";
            return (string)(await command.ExecuteScalarAsync(Ct))!;
        });
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", hash);
        Assert.True(await PasswordHasher.VerifyAsync("demo", hash));
        Assert.False(await PasswordHasher.VerifyAsync("Demo", hash));
    }

    [Fact]
    public async Task Private_unknown_and_malformed_calls_get_Odoos_errors()
    {
        var @private = await Assert.ThrowsAsync<AccessErrorException>(() => Admin("test.record", "_private_helper"));
        Assert.Equal("Private methods (such as _private_helper) cannot be called remotely.", @private.Message);
        Assert.Equal(4, @private.FaultCode);

        var model = await Assert.ThrowsAsync<UnknownModelException>(() => Admin("no.such.model", "search", L()));
        Assert.Equal("Object no.such.model doesn't exist", model.Message);
        Assert.Equal(2, model.FaultCode);

        var method = await Assert.ThrowsAsync<UnknownMethodException>(() => Admin("test.record", "no_such_method"));
        Assert.Contains("no_such_method", method.Message, StringComparison.Ordinal);
        Assert.Contains("test.record", method.Message, StringComparison.Ordinal);

        var kwarg = await Assert.ThrowsAsync<TypeErrorException>(() => AdminKw("test.record", "search", L(L()), D(("bogus", 1))));
        Assert.Contains("unexpected keyword argument 'bogus'", kwarg.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TypeErrorException>(() => Admin("test.record", "search", L(), 0, 1, "id", false, "extra"));
        await Assert.ThrowsAsync<TypeErrorException>(() => Admin("test.record", "create", "not a dict"));
        await Assert.ThrowsAsync<TypeErrorException>(() => Admin("test.record", "write", L(1)));
        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("test.record", "read", "abc"));
        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("test.record", "search", L(), -1));
    }

    [Fact]
    public async Task A_failing_call_leaves_nothing_behind()
    {
        var name = Unique("atomic");
        await Assert.ThrowsAsync<ValueErrorException>(() => Admin("test.record", "create",
            D(("name", name), ("line_ids", L(L(0, 0, D(("amount", 1.0))), L(0, 0, D(("amount", "bad"))))))));
        Assert.Equal(0, await Admin("test.record", "search_count", L(L("name", "=", name))));
        Assert.Equal(0, await Admin("test.line", "search_count", L(L("record_id", "=", false))));
    }

    [Fact]
    public async Task Concurrent_read_modify_write_calls_never_lose_an_update()
    {
        var id = await CreateRecord(("sequence", 0));
        const int calls = 12;
        await Task.WhenAll(Enumerable.Range(0, calls).Select(_ => Task.Run(() => Admin("test.record", "increment", L(id)), Ct)));
        Assert.Equal(calls, (await ReadOne("test.record", id, "sequence"))["sequence"]);
    }

    [Fact]
    public async Task Call_guards_run_before_every_RPC_call_inside_its_transaction()
    {
        var methods = TestModels.Methods();
        var seen = new List<(int Uid, string Model, string Method)>();
        methods.RegisterCallGuard((env, model, method, ct) =>
        {
            lock (seen)
            {
                seen.Add((env.Uid, model, method));
            }

            return !env.IsSuperuser && method == "unlink" ? throw new UserErrorException("The database is suspended.") : Task.CompletedTask;
        });
        var registry = Registry.ModelRegistry.Build(TestModels.Specs.Select(s => (TestModels.Module, s)), methods);
        var service = new Service.OrmService(Fixture.Databases.Server, new Service.FixedRegistryProvider(registry), Fixture.Settings);
        var id = (int)(await service.ExecuteKwAsync(Fixture.Database, Users.Demo, "demo", "test.record", "create", L(D(("name", Unique("g")))), D(), Ct))!;
        var error = await Assert.ThrowsAsync<UserErrorException>(() => service.ExecuteKwAsync(Fixture.Database, Users.Demo, "demo", "test.record", "unlink", L(L(id)), D(), Ct));
        Assert.Equal("The database is suspended.", error.Message);
        Assert.Equal(true, await service.ExecuteKwAsync(Fixture.Database, Users.Admin, "admin", "test.record", "unlink", L(L(id)), D(), Ct));
        Assert.Equal([(Users.Demo, "test.record", "create"), (Users.Demo, "test.record", "unlink"), (Users.Admin, "test.record", "unlink")], seen);
    }

    [Fact]
    public async Task Results_never_contain_null()
    {
        var id = await CreateRecord();
        Assert.Equal(false, await Admin("test.record", "check_access_rule", L(id), "read"));
    }

    [Fact]
    public async Task The_context_reaches_the_call()
    {
        var id = (int)(await AdminKw("test.record", "create", L(D(("name", Unique("ctx")))), D(("context", D(("default_description", "from context"))))))!;
        Assert.Equal("from context", (await ReadOne("test.record", id, "description"))["description"]);
    }
}

public sealed class SqliteServiceTests(SqliteOrmFixture fixture) : ServiceTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresServiceTests(PostgresOrmFixture fixture) : ServiceTests(fixture), IClassFixture<PostgresOrmFixture>;

public sealed class SqliteHttpServiceTests(SqliteHttpOrmFixture fixture) : ServiceTests(fixture), IClassFixture<SqliteHttpOrmFixture>;

public sealed class PostgresHttpServiceTests(PostgresHttpOrmFixture fixture) : ServiceTests(fixture), IClassFixture<PostgresHttpOrmFixture>;

public sealed class SqliteJsonRpcServiceTests(SqliteJsonRpcOrmFixture fixture) : ServiceTests(fixture), IClassFixture<SqliteJsonRpcOrmFixture>;
