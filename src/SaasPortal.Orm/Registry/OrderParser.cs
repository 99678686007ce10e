using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Registry;

/// <summary>
/// Parses order clauses such as <c>"name desc, id"</c>. Every field is checked against the model (stored fields,
/// many2one fields and fields related through many2ones); nothing of the text reaches SQL except checked names.
/// </summary>
public static class OrderParser
{
    /// <summary>Parses <paramref name="order"/> for <paramref name="model"/>; a <see cref="ValueErrorException"/> names the bad term.</summary>
    public static IReadOnlyList<OrderTerm> Parse(Model model, string order, Func<string, Model?>? resolve = null)
    {
        var terms = new List<OrderTerm>();
        foreach (var raw in order.Split(','))
        {
            var parts = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is 0 or > 2)
            {
                throw new ValueErrorException($"Invalid order term '{raw.Trim()}' in \"{order}\" on model '{model.Name}'");
            }

            var descending = false;
            if (parts.Length == 2)
            {
                descending = parts[1].ToLowerInvariant() switch
                {
                    "asc" => false,
                    "desc" => true,
                    _ => throw new ValueErrorException($"Invalid order direction '{parts[1]}' in \"{order}\" on model '{model.Name}' (use asc or desc)"),
                };
            }

            var name = parts[0];
            var field = model.FindField(name);
            if (field is null || field.SystemOnly)
            {
                throw new ValueErrorException($"Invalid order field '{name}' in \"{order}\" on model '{model.Name}'");
            }

            if (!IsOrderable(field, resolve))
            {
                throw new ValueErrorException($"Cannot order model '{model.Name}' by field '{name}': it is not stored");
            }

            terms.Add(new OrderTerm(name, descending));
        }

        return terms;
    }

    private static bool IsOrderable(Field field, Func<string, Model?>? resolve)
    {
        if (field.HasColumn)
        {
            return true;
        }

        // Related through many2ones to a stored field (res.users.name → partner_id.name): ordered by a subquery.
        if (field.Related is { } path && resolve is not null && field.Type != FieldType.Many2many)
        {
            var model = resolve(field.Model);
            for (var i = 0; i < path.Count && model is not null; i++)
            {
                var step = model.FindField(path[i]);
                if (step is null || !step.HasColumn)
                {
                    return false;
                }

                if (i == path.Count - 1)
                {
                    return true;
                }

                if (step.Type != FieldType.Many2one)
                {
                    return false;
                }

                model = resolve(step.Comodel!);
            }
        }

        return false;
    }
}
