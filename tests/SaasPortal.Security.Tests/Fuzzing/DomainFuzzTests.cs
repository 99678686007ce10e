using FsCheck;
using FsCheck.Fluent;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Rpc.JsonRpc;

namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>
/// The domain parser under generated domains, well-formed or not: every domain ends in a parsed tree or the ORM's
/// ValueError (which reaches the client as a fault), never another exception, a stack overflow or a hang.
/// </summary>
public sealed class DomainFuzzTests
{
    public static TheoryData<string> CorpusFiles => CorpusFolder.Files("domains");

    public static TheoryData<string> Large => new(LargeDomains.Keys);

    private static readonly Dictionary<string, Func<List<object?>>> LargeDomains = new(StringComparer.Ordinal)
    {
        ["100k ORed terms"] = () => WireGen.OrChain(100_000),
        ["1M negations"] = () => [.. Enumerable.Repeat<object?>("!", 1_000_000), new List<object?> { "id", "=", 1 }],
        ["1M ANDs without operands"] = () => [.. Enumerable.Repeat<object?>("&", 1_000_000)],
        ["100k implicit ANDs"] = () => [.. Enumerable.Range(0, 100_000).Select(i => (object?)new List<object?> { "id", "!=", i })],
        ["in with 1M values"] = () => [new List<object?> { "id", "in", Enumerable.Range(0, 1_000_000).Cast<object?>().ToList() }],
    };

    [Fact]
    public void Generated_domains_parse_or_raise_a_value_error()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(WireGen.Domain.ToArbitrary(), domain =>
        {
            var outcome = DecodeProbe.Run(() => Domain.Parse(domain));
            Assert.True(outcome.Finished, "Parsing did not finish: " + WireGen.Describe(domain));
            Assert.True(outcome.Error is null or ValueErrorException,
                $"{outcome.Error?.GetType().Name}: {outcome.Error?.Message} for {WireGen.Describe(domain)}");
        }));
    }

    [Fact]
    public void Generated_wire_values_as_domains_parse_or_raise_a_value_error()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(FuzzSettings.Cases), Prop.ForAll(WireGen.Value.ToArbitrary(), value =>
        {
            var outcome = DecodeProbe.Run(() => Domain.Parse(value));
            Assert.True(outcome.Finished, "Parsing did not finish: " + WireGen.Describe(value));
            Assert.True(outcome.Error is null or ValueErrorException,
                $"{outcome.Error?.GetType().Name}: {outcome.Error?.Message} for {WireGen.Describe(value)}");
        }));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_domain_parses_or_raises_a_value_error(string file)
    {
        // Corpus domains are JSON, decoded the way /jsonrpc decodes a call's arguments.
        var value = JsonRpcCodec.Default.ReadValue(CorpusFolder.Read("domains", file));
        var outcome = DecodeProbe.Run(() => Domain.Parse(value));
        Assert.True(outcome.Finished);
        Assert.True(outcome.Error is null or ValueErrorException, $"{outcome.Error?.GetType().Name}: {outcome.Error?.Message}");
    }

    [Theory]
    [MemberData(nameof(Large))]
    public void Large_domain_parses_or_raises_a_value_error_without_overflowing_the_stack(string name)
    {
        var domain = LargeDomains[name]();
        var outcome = DecodeProbe.Run(() => Domain.Parse(domain));
        Assert.True(outcome.Finished, name + " did not finish");
        Assert.True(outcome.Error is null or ValueErrorException, $"{outcome.Error?.GetType().Name}: {outcome.Error?.Message}");
    }
}
