using System.Text;
using SaasPortal.Rpc.XmlRpc;

namespace SaasPortal.Rpc.Tests;

/// <summary>Runs alone: it reads the whole heap's size, which tests running beside it would disturb.</summary>
[CollectionDefinition(nameof(XmlRpcMemoryTests), DisableParallelization = true)]
public sealed class XmlRpcMemoryCollection;

/// <summary>What reading a large document keeps alive: the values, not a tree of the document.</summary>
[Collection(nameof(XmlRpcMemoryTests))]
public sealed class XmlRpcMemoryTests
{
    [Fact]
    public async Task A_million_elements_within_the_default_limit_are_read_keeping_only_the_values()
    {
        // 1,000,000 <value/> elements: about 8 MB of XML. Retained memory rather than allocation is measured, since
        // a Debug build allocates every async state machine on the heap while Release keeps them on the stack.
        var body = Encoding.UTF8.GetBytes("<methodCall><methodName>m</methodName><params><param><value><array><data>" +
            string.Concat(Enumerable.Repeat("<value/>", 1_000_000)) + "</data></array></value></param></params></methodCall>");
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var call = await XmlRpcCodec.Default.ReadCallAsync(new MemoryStream(body), TestContext.Current.CancellationToken);

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.Equal(1_000_000, ((List<object?>)call.Params[0]!).Count);
        // The list of a million references is 8 MB (the empty strings are one shared instance); a DOM of the
        // document would be well over 100 MB.
        Assert.True(retained < 24L * 1024 * 1024, $"reading kept {retained / 1024 / 1024} MB alive");
        GC.KeepAlive(call);
    }
}
