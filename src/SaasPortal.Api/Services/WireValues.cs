using System.Collections;

namespace SaasPortal.Api.Services;

/// <summary>Helpers over the wire value model shared by both protocols.</summary>
public static class WireValues
{
    /// <summary>
    /// Odoo never answers with <c>&lt;nil/&gt;</c>: empty values are False. Replaces every null in a result,
    /// however deep, and turns other collection types into the model's lists and dicts.
    /// </summary>
    public static object FalseForNull(object? value) => value switch
    {
        null => false,
        string or byte[] => value,
        List<object?> list => ReplaceInList(list),
        Dictionary<string, object?> dict => ReplaceInDictionary(dict),
        IDictionary<string, object?> dict => dict.ToDictionary(p => p.Key, p => (object?)FalseForNull(p.Value), StringComparer.Ordinal),
        IReadOnlyDictionary<string, object?> dict => dict.ToDictionary(p => p.Key, p => (object?)FalseForNull(p.Value), StringComparer.Ordinal),
        IEnumerable sequence => sequence.Cast<object?>().Select(v => (object?)FalseForNull(v)).ToList(),
        _ => value,
    };

    private static List<object?> ReplaceInList(List<object?> list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            list[i] = FalseForNull(list[i]);
        }

        return list;
    }

    private static Dictionary<string, object?> ReplaceInDictionary(Dictionary<string, object?> dict)
    {
        List<KeyValuePair<string, object?>>? changes = null;
        foreach (var (key, item) in dict)
        {
            var replaced = FalseForNull(item);
            if (!ReferenceEquals(replaced, item))
            {
                (changes ??= []).Add(new(key, replaced));
            }
        }

        if (changes is not null)
        {
            foreach (var (key, item) in changes)
            {
                dict[key] = item;
            }
        }

        return dict;
    }
}
