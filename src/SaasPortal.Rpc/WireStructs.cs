using System.Collections;

namespace SaasPortal.Rpc;

/// <summary>Shapes both writers accept as a struct (XML-RPC) or object (JSON).</summary>
internal static class WireStructs
{
    /// <summary>A non-generic dictionary (Hashtable, Dictionary&lt;string, int&gt;) seen as named members; keys must be strings.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> StringKeyed(IDictionary dict)
    {
        foreach (DictionaryEntry entry in dict)
        {
            yield return entry.Key is string key
                ? new KeyValuePair<string, object?>(key, entry.Value)
                : throw new RpcEncodingException($"struct members are named by strings, not by {entry.Key.GetType().Name}");
        }
    }
}
