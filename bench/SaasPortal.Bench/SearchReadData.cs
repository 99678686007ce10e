using System.Globalization;

namespace SaasPortal.Bench;

/// <summary>A search_read result as Odoo returns it for res.partner: records of about ten fields each.</summary>
internal static class SearchReadData
{
    private static readonly string[] Countries = ["United States", "Belgium", "France", "Deutschland", "日本", "España"];

    public static List<object?> Records(int count)
    {
        var random = new Random(42);
        var records = new List<object?>(count);
        for (var id = 1; id <= count; id++)
        {
            var country = random.Next(Countries.Length);
            records.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = id,
                ["name"] = $"Partner {id} & Co",
                ["email"] = $"contact{id}@example.com",
                ["phone"] = id % 3 == 0 ? false : $"+1 555 {id:D4}",
                ["country_id"] = new List<object?> { country + 1, Countries[country] },
                ["category_id"] = new List<object?> { 1, 4, id % 7 },
                ["credit_limit"] = Math.Round(random.NextDouble() * 10_000, 2),
                ["active"] = id % 11 != 0,
                ["date"] = new DateTime(2024, 1, 1).AddDays(id % 365).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["comment"] = id % 5 == 0 ? "<p>Preferred <b>customer</b></p>" : false,
            });
        }

        return records;
    }
}
