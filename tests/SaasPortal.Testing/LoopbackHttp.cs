using System.Net;
using System.Net.Sockets;

namespace SaasPortal.Testing;

/// <summary>
/// HTTP to a test server under any host name: tenants are host names such as shop.localhost or a customer's own
/// domain, which the tests resolve to the loopback, as a browser on the operator's machine would.
/// </summary>
public static class LoopbackHttp
{
    /// <summary>A handler that connects every host name to 127.0.0.1 (on the URL's port) and follows no redirect.</summary>
    public static SocketsHttpHandler CreateHandler(CookieContainer cookies) => new()
    {
        CookieContainer = cookies,
        AllowAutoRedirect = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
