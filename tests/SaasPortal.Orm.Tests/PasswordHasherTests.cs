using SaasPortal.Orm.Security;

namespace SaasPortal.Orm.Tests;

/// <summary>
/// The hasher's two Argon2id implementations (libsodium for one lane, the managed one otherwise) must agree, so
/// every hash stored before the switch still verifies. The expected strings below were written by the managed
/// implementation (Konscious 1.3.1), the only one in use before.
/// </summary>
public sealed class PasswordHasherTests
{
    private const string Password = "correct horse battery staple";

    [Theory]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$c2Fhc3BvcnRhbC1zYWx0IQ$48kNolf/39j2Wy4RFvTYwwrgI3irLXf9A6uSpquz2Eo")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$c2Fhc3BvcnRhbC1zYWx0IQ$zALg+iTxRg8A1ovkz/K7F8bICNhhxn+UM/3ZfDZWAp0")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=2$c2Fhc3BvcnRhbC1zYWx0IQ$7dPTeJieH7GGIS9K7sjsdbgwLsdYiGoh+FlONzv0vWM")]
    public async Task Hashes_written_by_the_managed_implementation_still_verify(string stored)
    {
        Assert.True(await PasswordHasher.VerifyAsync(Password, stored));
        Assert.False(await PasswordHasher.VerifyAsync(Password + "!", stored));
    }

    [Fact]
    public async Task A_new_hash_verifies_with_its_password_only()
    {
        var options = new PasswordHashingOptions { MemoryKib = 64, Iterations = 1, Parallelism = 1 };
        var hash = await PasswordHasher.HashAsync(Password, options);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", hash, StringComparison.Ordinal);
        Assert.True(await PasswordHasher.VerifyAsync(Password, hash));
        Assert.False(await PasswordHasher.VerifyAsync("wrong", hash));
    }
}
