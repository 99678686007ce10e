namespace SaasPortal.Api.Services;

/// <summary>Stand-in until the host wires the ORM: every login fails and every object call is a clear fault.</summary>
internal sealed class UnavailableOrmGateway : IOrmGateway
{
    private const string Message = "The object service is not available on this server yet.";

    public Task<int?> AuthenticateAsync(string database, string login, string password, CancellationToken cancellationToken) =>
        Task.FromResult<int?>(null);

    public Task<object?> ExecuteKwAsync(string database, int uid, string password, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        throw ServiceException.Application(Message);

    public Task<object?> ExecuteKwAsSessionUserAsync(string database, int uid, string model, string method,
        IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken) =>
        throw ServiceException.Application(Message);

    public void ForgetDatabase(string database)
    {
    }
}
