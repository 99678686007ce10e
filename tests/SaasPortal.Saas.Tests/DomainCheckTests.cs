using System.Net;
using System.Net.Sockets;
using System.Text;
using SaasPortal.Saas.Domains;

namespace SaasPortal.Saas.Tests;

/// <summary>Host name rules and the HTTP ownership check, against a real HTTP responder on the loopback.</summary>
public sealed class DomainCheckTests
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("ERP.Example.COM", "erp.example.com")]
    [InlineData("erp.example.com.", "erp.example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("BÜCHER.Example", "xn--bcher-kva.example")]
    public void Host_names_are_stored_lower_case_idna_without_trailing_dot(string input, string expected) =>
        Assert.Equal(expected, HostName.Normalise(input, out _));

    [Theory]
    [InlineData("*.example.com")]
    [InlineData("example")]
    [InlineData("10.0.0.1")]
    [InlineData("under_score.example.com")]
    [InlineData("a..example.com")]
    [InlineData("-a.example.com")]
    [InlineData("a-.example.com")]
    [InlineData("erp.example.com:8080")]
    [InlineData("erp.example.com/path")]
    [InlineData("erp example.com")]
    [InlineData("")]
    public void Wildcards_ip_addresses_and_malformed_names_are_refused(string input)
    {
        Assert.Null(HostName.Normalise(input, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Names_longer_than_dns_allows_are_refused()
    {
        Assert.Null(HostName.Normalise(new string('a', 64) + ".example.com", out _));
        Assert.Null(HostName.Normalise(string.Join('.', Enumerable.Repeat(new string('a', 60), 5)), out _));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Checks_never_connect_to_loopback_private_or_link_local_addresses(string address) =>
        Assert.False(HttpOwnershipCheck.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("2606:2800:220:1:248:1893:25c7:1946")]
    public void Public_addresses_may_be_checked(string address) => Assert.True(HttpOwnershipCheck.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task Check_succeeds_only_when_the_host_serves_its_own_token()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var good = Responder.Start("HTTP/1.1 200 OK", Token + "\n");
        await using var wrong = Responder.Start("HTTP/1.1 200 OK", "fedcba9876543210fedcba9876543210");
        await using var redirect = Responder.Start("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/", "");
        var check = new HttpOwnershipCheck();

        var ok = await check.CheckAsync("erp.example.test", Token, good.Address, ct);
        Assert.True(ok.Verified, ok.Detail);
        Assert.Equal("erp.example.test", good.LastHost);

        Assert.False((await check.CheckAsync("erp.example.test", Token, wrong.Address, ct)).Verified);
        var redirected = await check.CheckAsync("erp.example.test", Token, redirect.Address, ct);
        Assert.False(redirected.Verified);
        Assert.Contains("302", redirected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_operator_address_a_host_resolving_to_the_loopback_is_not_contacted()
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await new HttpOwnershipCheck().CheckAsync("localhost", Token, connectTo: null, ct);
        Assert.False(result.Verified);
        Assert.Contains("public address", result.Detail, StringComparison.Ordinal);
    }

    /// <summary>A one-answer-per-connection HTTP server on the loopback that records the Host header it was sent.</summary>
    private sealed class Responder : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        private Responder(string statusAndHeaders, string body)
        {
            _listener.Start();
            _loop = Task.Run(() => ServeAsync(statusAndHeaders, body));
        }

        public string Address => "127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string? LastHost { get; private set; }

        public static Responder Start(string statusAndHeaders, string body) => new(statusAndHeaders, body);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }

            _stop.Dispose();
        }

        private async Task ServeAsync(string statusAndHeaders, string body)
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                while (await reader.ReadLineAsync(_stop.Token) is { Length: > 0 } line)
                {
                    if (line.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))
                    {
                        LastHost = line[5..].Trim();
                    }
                }

                var bytes = Encoding.UTF8.GetBytes(body);
                var head = $"{statusAndHeaders}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                await stream.WriteAsync(bytes, _stop.Token);
            }
        }
    }
}
