using System.Text.Json.Nodes;

namespace SaasPortal.Mail.Tests;

/// <summary>Several nodes on one PostgreSQL portal database share the queue: every message goes out once.</summary>
[Collection(PostgresMailCollection.Name)]
public sealed class QueueClaimingTests(PostgresMailServerFixture fixture)
{
    [Fact]
    public async Task Two_nodes_sending_from_one_queue_deliver_each_message_exactly_once()
    {
        await fixture.StartSecondNodeAsync(TestContext.Current.CancellationToken);
        var recipient = fixture.NewName("bulk") + "@example.com";
        const int count = 60;
        var values = Enumerable.Range(0, count).Select(i => (object?)new Dictionary<string, object?>
        {
            ["email_to"] = recipient, ["subject"] = $"bulk {i}", ["body_html"] = $"<p>message {i}</p>",
        }).ToList();
        foreach (var value in values)
        {
            await fixture.AdminAsync("mail.mail", "create", [value]);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (fixture.Smtp.For(recipient).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        // Passes keep running on both nodes; wait a few more to catch a late duplicate.
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var subjects = fixture.Smtp.For(recipient).Select(m => m.Subject).ToList();
        Assert.Equal(count, subjects.Count);
        Assert.Equal(count, subjects.Distinct().Count());
        var states = (JsonArray)(await fixture.AdminAsync("mail.mail", "search_read", [new object[] { new object[] { "email_to", "=", recipient } }],
            new() { ["fields"] = new[] { "state", "attempts" } }))!;
        Assert.All(states, m => Assert.Equal("sent", m!["state"]!.GetValue<string>()));
        Assert.All(states, m => Assert.Equal(1, m!["attempts"]!.GetValue<int>()));
    }
}
