using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;

namespace SaasPortal.Saas.Domains;

/// <summary>Where the HTTP proof of a domain is published, and how a check went.</summary>
public static class DomainProof
{
    /// <summary>The path under which the proof token is served (by us, once the host points at the portal, or by the customer's current site).</summary>
    public const string WellKnownPath = "/.well-known/saasportal-verification/";

    /// <summary>The TXT record name prefix: <c>_saasportal-verification.&lt;host&gt;</c>.</summary>
    public const string DnsLabel = "_saasportal-verification";

    /// <summary>The TXT record value a domain's token asks for.</summary>
    public static string DnsValue(string token) => "saasportal-verification=" + token;
}

/// <summary>The outcome of one ownership check: success, or the reason it failed in words a customer can act on.</summary>
public sealed record OwnershipResult(bool Verified, string Detail);

/// <summary>
/// Proves that whoever added a host name controls it, by fetching
/// <c>http://&lt;host&gt;/.well-known/saasportal-verification/&lt;token&gt;</c> and expecting the token as the body.
/// The host is the customer's choice, so the request cannot be aimed at the portal's own network: the name is
/// resolved here and only public addresses are connected to, no redirect is followed, the body is read up to a few
/// hundred bytes and the whole check takes at most <see cref="Timeout"/>. An operator may set
/// <c>saas_portal.domain_verification_address</c> (host:port) to send every check to one address instead, e.g. the
/// portal's own listener behind a proxy, or the loopback in tests.
/// </summary>
public sealed class HttpOwnershipCheck
{
    /// <summary>Longest time one check may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private const int MaxBody = 512;

    /// <summary>Fetches the token from <paramref name="host"/>, connecting to <paramref name="connectTo"/> (host:port) when given.</summary>
    public async Task<OwnershipResult> CheckAsync(string host, string token, string? connectTo, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var url = $"http://{host}{DomainProof.WellKnownPath}{token}";
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = Timeout,
            // One handler per check: the pool must never hand a connection made for one address to another check.
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, connectTo, ct),
        };
        using var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new(false, $"{url} answered HTTP {(int)response.StatusCode}, not 200 with the token.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[MaxBody];
            var read = 0;
            while (read < buffer.Length && await body.ReadAsync(buffer.AsMemory(read), timeout.Token) is var n and > 0)
            {
                read += n;
            }

            return string.Equals(Encoding.UTF8.GetString(buffer, 0, read).Trim(), token, StringComparison.Ordinal)
                ? new(true, $"{url} served the token.")
                : new(false, $"{url} answered, but not with this domain's token.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(false, $"{url} did not answer within {Timeout.TotalSeconds:0} seconds.");
        }
        catch (HttpRequestException e)
        {
            return new(false, $"{url} could not be fetched: {Reason(e)}");
        }
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint target, string? connectTo, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        var port = target.Port;
        if (!string.IsNullOrWhiteSpace(connectTo))
        {
            var (host, configuredPort) = SplitHostPort(connectTo.Trim());
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            port = configuredPort ?? port;
        }
        else
        {
            addresses = [.. (await Dns.GetHostAddressesAsync(target.Host, cancellationToken)).Where(IsPublic)];
            if (addresses.Length == 0)
            {
                throw new HttpRequestException($"{target.Host} does not resolve to a public address.");
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Whether an address is on the public internet: not loopback, private, link-local, unique-local, multicast or unspecified.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal);
        }

        var b = address.GetAddressBytes();
        return !(b[0] is 0 or 10 or 127 or >= 224
                 || (b[0] == 100 && b[1] is >= 64 and <= 127) // carrier-grade NAT
                 || (b[0] == 169 && b[1] == 254)
                 || (b[0] == 172 && b[1] is >= 16 and <= 31)
                 || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                 || (b[0] == 198 && b[1] is 18 or 19));
    }

    private static (string Host, int? Port) SplitHostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && !text.EndsWith(']') && int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var port)
            ? (text[..colon].Trim('[', ']'), port)
            : (text.Trim('[', ']'), null);
    }

    private static string Reason(HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode.ToString();
            }
        }

        // Our own refusal (no public address) arrives wrapped by the handler.
        return e.InnerException is HttpRequestException ours ? ours.Message : e.Message;
    }
}
