namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>The committed corpus (Corpus/&lt;kind&gt;/ next to the tests): inputs that once mattered, replayed on every run.</summary>
internal static class CorpusFolder
{
    public static TheoryData<string> Files(string kind)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Corpus", kind);
        var files = Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        // An empty corpus would make the replay pass vacuously.
        return files.Count > 0 ? new TheoryData<string>(files!) : throw new InvalidOperationException("Empty corpus: " + directory);
    }

    public static byte[] Read(string kind, string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", kind, file));
}
