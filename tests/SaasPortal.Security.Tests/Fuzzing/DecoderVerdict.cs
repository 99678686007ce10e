namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>The property every decoder must keep, whatever the input: a value or its own clean exception, in time and in bounded memory.</summary>
internal static class DecoderVerdict
{
    /// <summary>Decodes <paramref name="input"/> and fails the test, showing the input in base64 (add it to Corpus/), when the property breaks.</summary>
    public static DecodeOutcome Check(byte[] input, Func<byte[], object?> decode, Func<Exception, bool> clean, long? budget = null)
    {
        var outcome = DecodeProbe.Run(() => decode(input));
        var limit = budget ?? DecodeProbe.Budget(input.Length);
        Assert.True(outcome.Finished, $"Decoding did not finish within {DecodeProbe.TimeBox}. {Show(input)}");
        if (outcome.Error is { } error)
        {
            Assert.True(clean(error), $"Unexpected {error.GetType().FullName}: {error.Message}\n{error.StackTrace}\n{Show(input)}");
            Assert.False(string.IsNullOrWhiteSpace(error.Message), "A refusal says what was wrong. " + Show(input));
        }

        Assert.True(outcome.AllocatedBytes <= limit,
            $"Decoding {input.Length} bytes allocated {outcome.AllocatedBytes} bytes (budget {limit}). {Show(input)}");
        return outcome;
    }

    private static string Show(byte[] input) => input.Length <= 2048
        ? "Input (base64): " + Convert.ToBase64String(input)
        : $"Input of {input.Length} bytes starting (base64): " + Convert.ToBase64String(input, 0, 256);
}
