using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SaasPortal.Api;
using SaasPortal.Api.Hosting;
using SaasPortal.Api.Services;
using SaasPortal.Client;
using SaasPortal.Orm.Service;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;
using SaasPortal.Storage.Dialects;

[assembly: AssemblyFixture(typeof(SaasPortal.Orm.Tests.Infrastructure.ConformanceEdge))]

namespace SaasPortal.Orm.Tests.Infrastructure;

/// <summary>
/// The product's HTTP edge (Kestrel on a loopback port, <see cref="EdgeRegistration"/>'s services and routes: XML-RPC,
/// JSON-RPC, the object and common services, the fault mapping), started once per test run and shared by every
/// HTTP test class. Each class's databases are routed to that class's <see cref="OrmService"/> by the fixture's
/// database-name prefix, so a class's HTTP calls and its in-process set-up see the same databases, caches and
/// registry.
/// </summary>
/// <remarks>
/// The edge runs in the test process, not as a <c>serve</c> process, because the test models carry C# behaviour
/// (compute functions, methods, call guards) that only a built-in addon can register; the server deliberately has
/// no way to load code from outside its own assemblies.
/// </remarks>
public sealed class ConformanceEdge : IAsyncLifetime
{
    private static readonly Lazy<Task<Host>> Shared = new(StartAsync);

    /// <summary>Routes <paramref name="prefix"/>'s databases to <paramref name="service"/> and returns a transport over HTTP; disposing it removes the route.</summary>
    public static async Task<HttpCalls> ConnectAsync(string prefix, OrmService service, RpcProtocol protocol)
    {
        var host = await Shared.Value;
        host.Gateway.Route(prefix, service);
        return new HttpCalls(new OdooClient(host.Http, host.Url, protocol), new Unroute(host.Gateway, prefix));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Shared.IsValueCreated && Shared.Value.IsCompletedSuccessfully)
        {
            var host = Shared.Value.Result;
            host.Http.Dispose();
            await host.App.DisposeAsync();
            Directory.Delete(host.DataDirectory, recursive: true);
        }
    }

    private static async Task<Host> StartAsync()
    {
        var ct = CancellationToken.None;
        var dataDirectory = Directory.CreateTempSubdirectory("saasportal-edge-").FullName;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Session keys in a throwaway folder are unencrypted on purpose; the warning saying so is noise here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        var gateway = new RoutingGateway();
        builder.Services.AddSingleton<IOrmGateway>(gateway);
        // The db service needs a database manager; the conformance suite does not use it, so it manages an empty folder.
        var storage = new StorageOptions { Backend = DatabaseBackend.Sqlite, DataDirectory = dataDirectory };
        builder.Services.AddSingleton(new DatabaseManager(new SqliteDatabaseServer(storage, SqliteDialect.Instance), storage, new NoInitializer()));
        builder.Services.AddSaasPortalEdge(new EdgeOptions { DataDirectory = dataDirectory },
            await MasterPassword.LoadAsync(dataDirectory, "conformance-master", ct));
        var app = builder.Build();
        app.MapSaasPortalEdge();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Host(app, gateway, new HttpClient { Timeout = TimeSpan.FromMinutes(2) }, new Uri(address), dataDirectory);
    }

    private sealed record Host(WebApplication App, RoutingGateway Gateway, HttpClient Http, Uri Url, string DataDirectory);

    private sealed class Unroute(RoutingGateway gateway, string prefix) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gateway.Remove(prefix);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class NoInitializer : IDatabaseInitializer
    {
        public Task InitializeAsync(DatabaseInitialization request, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The conformance edge does not create databases.");
    }

    /// <summary>The edge's gateway onto the ORM of the test class that owns the database (names are <c>&lt;prefix&gt;_&lt;n&gt;</c>).</summary>
    private sealed class RoutingGateway : IOrmGateway
    {
        private readonly ConcurrentDictionary<string, OrmService> _routes = new(StringComparer.Ordinal);

        public void Route(string prefix, OrmService service) => _routes[prefix] = service;

        public void Remove(string prefix) => _routes.TryRemove(prefix, out _);

        public Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken) =>
            For(database).AuthenticateAsync(database, login, password, cancellationToken);

        public Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method, IReadOnlyList<object?> args,
            IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
            For(database).ExecuteKwAsync(database, uid, password, model, method, args, kwargs, cancellationToken);

        public Task<object?> ExecuteKwAsSessionUserAsync(string database, int uid, string model, string method, IReadOnlyList<object?> args,
            IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
            For(database).ExecuteKwAsSessionUserAsync(database, uid, model, method, args, kwargs, cancellationToken);

        public void ForgetDatabase(string database)
        {
            if (_routes.TryGetValue(Prefix(database), out var service))
            {
                service.ForgetDatabase(database);
            }
        }

        private OrmService For(string database) =>
            _routes.TryGetValue(Prefix(database), out var service) ? service : throw new DatabaseNotFoundException(database);

        private static string Prefix(string database) => database.Split('_', 2)[0];
    }
}
