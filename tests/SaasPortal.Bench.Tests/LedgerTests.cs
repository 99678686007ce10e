using SaasPortal.Bench.Soak;

namespace SaasPortal.Bench.Tests;

/// <summary>The soak's ledger rules, checked without a server: what counts as lost, half-applied or phantom.</summary>
public sealed class LedgerTests
{
    private const string Tenant = "t";

    [Fact]
    public void An_acknowledged_write_missing_at_the_end_is_a_violation()
    {
        var record = Created("w1.0", id: 7);
        var written = RecordState.AtVersion("w1.0", record.TakeNextVersion());
        record.Record(written, Outcome.Acknowledged);

        var stale = Verify(record, Stored(7, RecordState.AtVersion("w1.0", 0), "w1.0"));
        var current = Verify(record, Stored(7, written, "w1.0"));

        Assert.Single(stale.Violations);
        Assert.Empty(current.Violations);
    }

    [Fact]
    public void A_refused_write_must_leave_the_record_as_it_was()
    {
        var record = Created("w1.0", id: 7);
        var refused = RecordState.AtVersion("w1.0", record.TakeNextVersion());
        record.Record(refused, Outcome.Refused);

        Assert.Single(Verify(record, Stored(7, refused, "w1.0")).Violations);
        Assert.Empty(Verify(record, Stored(7, RecordState.AtVersion("w1.0", 0), "w1.0")).Violations);
    }

    [Fact]
    public void An_unanswered_write_may_end_applied_or_absent_but_never_half_applied()
    {
        var before = RecordState.AtVersion("w1.0", 0);
        var record = Created("w1.0", id: 7);
        var after = RecordState.AtVersion("w1.0", record.TakeNextVersion());
        record.Record(after, Outcome.Unanswered);
        var half = after with { Function = before.Function };

        var applied = Verify(record, Stored(7, after, "w1.0"));
        var absent = Verify(record, Stored(7, before, "w1.0"));

        Assert.True(record.Frozen);
        Assert.Empty(applied.Violations);
        Assert.Equal(1, applied.OpenResolvedApplied);
        Assert.Empty(absent.Violations);
        Assert.Equal(1, absent.OpenResolvedAbsent);
        Assert.Single(Verify(record, Stored(7, half, "w1.0")).Violations);
    }

    [Fact]
    public void A_frozen_record_refuses_further_calls_so_its_allowed_states_stay_two()
    {
        var record = Created("w1.0", id: 7);
        record.Record(RecordState.Absent, Outcome.Unanswered);

        Assert.Throws<InvalidOperationException>(() => record.Record(RecordState.AtVersion("w1.0", 5), Outcome.Acknowledged));
        Assert.Equal(2, record.Allowed.Count);
    }

    [Fact]
    public void An_acknowledged_delete_that_left_the_record_behind_is_a_violation()
    {
        var record = Created("w1.0", id: 7);
        record.Record(RecordState.Absent, Outcome.Acknowledged);

        Assert.Single(Verify(record, Stored(7, RecordState.AtVersion("w1.0", 0), "w1.0")).Violations);
        Assert.Empty(Verify(record).Violations);
    }

    [Fact]
    public void A_record_whose_create_was_refused_or_never_sent_is_a_phantom()
    {
        var refused = new TrackedRecord(Tenant, "w1.0");
        refused.Record(RecordState.AtVersion("w1.0", 0), Outcome.Refused);

        var found = Verify(refused, Stored(3, RecordState.AtVersion("w1.0", 0), "w1.0"), Stored(4, RecordState.AtVersion("w9.9", 0), "w9.9"));

        Assert.Equal(2, found.Violations.Count);
        Assert.Contains(found.Violations, v => v.Contains("w9.9", StringComparison.Ordinal));
    }

    [Fact]
    public void A_create_applied_twice_is_a_violation()
    {
        var record = Created("w1.0", id: 7);
        var state = RecordState.AtVersion("w1.0", 0);

        Assert.Single(Verify(record, Stored(7, state, "w1.0"), Stored(8, state, "w1.0")).Violations);
    }

    [Fact]
    public void A_read_right_after_an_acknowledged_write_must_show_it()
    {
        var record = Created("w1.0", id: 7);
        var written = RecordState.AtVersion("w1.0", record.TakeNextVersion());
        record.Record(written, Outcome.Acknowledged);

        Assert.Single(LedgerVerifier.CheckRead(Tenant, [record], [Stored(7, RecordState.AtVersion("w1.0", 0), "w1.0")]));
        Assert.Empty(LedgerVerifier.CheckRead(Tenant, [record], [Stored(7, written, "w1.0")]));
        Assert.Single(LedgerVerifier.CheckRead(Tenant, [record], []));
    }

    private static TrackedRecord Created(string reference, int id)
    {
        var record = new TrackedRecord(Tenant, reference);
        record.Record(RecordState.AtVersion(reference, 0), Outcome.Acknowledged, id);
        return record;
    }

    private static StoredRecord Stored(int id, RecordState state, string reference) => new(id, reference, state.Name, state.Function, state.Comment);

    private static TenantVerification Verify(TrackedRecord record, params StoredRecord[] stored) => LedgerVerifier.Verify(Tenant, [record], stored);
}
