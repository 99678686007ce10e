using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SaasPortal.Testing;

namespace SaasPortal.Cluster.Tests;

/// <summary>
/// Debian's nginx (<c>/usr/sbin/nginx</c>; test.sh installs it) run in the foreground with its own prefix in a
/// temporary folder: configuration, pid, logs and temp files there, listening on a free loopback port, load-balancing
/// over the given upstream nodes. Killed and its folder removed on dispose.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";

    private readonly CapturedProcess _process;

    private Nginx(CapturedProcess process, string prefix, string url)
    {
        _process = process;
        Prefix = prefix;
        Url = url;
    }

    /// <summary>The proxy's base URL, e.g. http://127.0.0.1:41234.</summary>
    public string Url { get; }

    /// <summary>The nginx prefix folder (configuration, logs).</summary>
    public string Prefix { get; }

    /// <summary>
    /// The access log: one line per request, <c>&lt;status&gt; &lt;upstream addresses tried&gt; &lt;upstream statuses&gt;</c>,
    /// e.g. <c>200 127.0.0.1:4001, 127.0.0.1:4002 502, 200</c> for a request retried on the second node.
    /// </summary>
    public IReadOnlyList<string> AccessLog() =>
        File.Exists(Path.Combine(Prefix, "logs", "access.log")) ? File.ReadAllLines(Path.Combine(Prefix, "logs", "access.log")) : [];

    /// <summary>
    /// Writes the configuration and starts nginx in front of <paramref name="upstreams"/> (base URLs of the nodes).
    /// <paramref name="retryPosts"/> adds <c>non_idempotent</c> to <c>proxy_next_upstream</c>: only for load that
    /// is read-only, because a POST the dead node had already received (and perhaps committed) is then sent again.
    /// </summary>
    public static async Task<Nginx> StartAsync(IReadOnlyList<string> upstreams, bool retryPosts, CancellationToken cancellationToken)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install Debian's nginx (apt-get install -y nginx); test.sh does.");
        }

        var prefix = Path.Combine(Path.GetTempPath(), "saasportal-nginx-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        Directory.CreateDirectory(Path.Combine(prefix, "temp"));
        var port = LoopbackPort.Free();
        var url = $"http://127.0.0.1:{port}";
        await File.WriteAllTextAsync(Path.Combine(prefix, "nginx.conf"), Configuration(prefix, port, upstreams, retryPosts), cancellationToken);

        var start = new ProcessStartInfo(Binary);
        foreach (var argument in (string[])["-p", prefix + "/", "-c", Path.Combine(prefix, "nginx.conf"), "-e", Path.Combine(prefix, "logs", "error.log")])
        {
            start.ArgumentList.Add(argument);
        }

        var nginx = new Nginx(CapturedProcess.Start(start), prefix, url);
        try
        {
            await nginx.WaitUntilListeningAsync(port, cancellationToken);
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(Prefix, recursive: true);
    }

    /// <summary>Everything nginx printed, with its error log (for failure messages).</summary>
    public string Diagnostics()
    {
        var errorLog = Path.Combine(Prefix, "logs", "error.log");
        return _process.Output + (File.Exists(errorLog) ? File.ReadAllText(errorLog) : "");
    }

    private static string Configuration(string prefix, int port, IReadOnlyList<string> upstreams, bool retryPosts)
    {
        var servers = string.Concat(upstreams.Select(u => $"        server {new Uri(u).Authority} max_fails=1 fail_timeout=30s;\n"));
        // As root the workers would switch to nobody, who cannot write into the temporary prefix.
        var user = Environment.UserName == "root" ? "user root;\n" : "";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            {{user}}daemon off;
            master_process on;
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log warn;
            events { worker_connections 512; }
            http {
                log_format upstreams '$status $upstream_addr $upstream_status';
                access_log {{prefix}}/logs/access.log upstreams;
                client_body_temp_path {{prefix}}/temp/body;
                proxy_temp_path {{prefix}}/temp/proxy;
                fastcgi_temp_path {{prefix}}/temp/fastcgi;
                uwsgi_temp_path {{prefix}}/temp/uwsgi;
                scgi_temp_path {{prefix}}/temp/scgi;
                upstream saasportal {
            {{servers}}        keepalive 16;
                }
                server {
                    listen 127.0.0.1:{{port}};
                    client_max_body_size 64m;
                    location / {
                        proxy_pass http://saasportal;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                        proxy_connect_timeout 2s;
                        proxy_read_timeout 60s;
                        proxy_next_upstream error timeout http_502{{(retryPosts ? " non_idempotent" : "")}};
                        proxy_next_upstream_tries 2;
                    }
                }
            }

            """);
    }

    private async Task WaitUntilListeningAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with code {_process.ExitCode}:\n{Diagnostics()}");
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        throw new TimeoutException($"nginx did not listen on {port}:\n{Diagnostics()}");
    }
}
