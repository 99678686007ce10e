using System.Security.Cryptography;
using System.Text;
using SaasPortal.Addons.Format;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Addons.Catalogue;

/// <summary>Reads one addon folder: the manifest, then every file it lists, each validated with located errors.</summary>
public static class AddonReader
{
    /// <summary>Whether <paramref name="directory"/> looks like an addon (holds a manifest).</summary>
    public static bool IsAddonDirectory(string directory) =>
        File.Exists(Path.Combine(directory, ManifestReader.FileName));

    /// <summary>Reads and validates the addon in <paramref name="directory"/>; throws <see cref="AddonFormatException"/>.</summary>
    public static async Task<AddonDefinition> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        directory = Path.GetFullPath(directory);
        var technicalName = Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar));
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var manifestText = await ReadTextAsync(technicalName, directory, ManifestReader.FileName, cancellationToken);
        digest.AppendData(Encoding.UTF8.GetBytes(manifestText));
        var manifest = ManifestReader.Read(technicalName, manifestText);

        var models = new List<ModelSpec>();
        foreach (var file in manifest.Models)
        {
            var text = await ReadTextAsync(technicalName, directory, file, cancellationToken);
            digest.AppendData(Encoding.UTF8.GetBytes(file + "\0" + text));
            foreach (var model in ModelFileReader.Read(technicalName, file, text))
            {
                if (models.Any(m => m.Name == model.Name))
                {
                    throw new AddonFormatException(technicalName, file, null, $"model '{model.Name}' is declared in two of this addon's files");
                }

                models.Add(model);
            }
        }

        var data = new List<DataFile>();
        foreach (var file in manifest.Data)
        {
            var text = await ReadTextAsync(technicalName, directory, file, cancellationToken);
            digest.AppendData(Encoding.UTF8.GetBytes(file + "\0" + text));
            data.Add(file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? CsvDataReader.Read(technicalName, file, text)
                : DataFileReader.ReadXml(technicalName, file, text));
        }

        return new AddonDefinition
        {
            Manifest = manifest,
            Directory = directory,
            Models = models,
            Data = data,
            ContentHash = Convert.ToHexString(digest.GetHashAndReset())[..16],
        };
    }

    private static async Task<string> ReadTextAsync(string addon, string directory, string relative, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(Path.Combine(directory, relative));
        // The manifest reader refuses '..' already; this guards symlinked folders and future callers.
        if (!path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new AddonFormatException(addon, relative, null, "the path leaves the addon folder");
        }

        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            throw new AddonFormatException(addon, relative, null, "the file is listed in the manifest but does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            throw new AddonFormatException(addon, relative, null, "the file is listed in the manifest but does not exist");
        }
    }
}
