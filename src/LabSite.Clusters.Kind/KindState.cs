using System.Text.Json;

namespace LabSite.Clusters.Kind;

/// <summary>
/// What we own, on disk: one directory per lab with its kubeconfig and <c>cluster.json</c>, written only after a
/// create finished. Node containers of a <c>labsite-*</c> cluster without a record are left from a crash; GC removes them.
/// </summary>
public sealed class KindState(string root)
{
    public sealed record Record(string Name, string? LabId, DateTimeOffset CreatedAt);

    public string Root { get; } = root;

    public string Directory(string lab) => Path.Combine(Root, lab);

    public string Kubeconfig(string lab) => Path.Combine(Directory(lab), "kubeconfig");

    public void Prepare(string lab) => System.IO.Directory.CreateDirectory(Directory(lab));

    public async Task CommitAsync(Record record, CancellationToken ct) =>
        await File.WriteAllTextAsync(Path.Combine(Directory(record.Name), "cluster.json"), JsonSerializer.Serialize(record), ct);

    public Record? Read(string lab)
    {
        var path = Path.Combine(Directory(lab), "cluster.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<Record>(File.ReadAllText(path)) : null;
    }

    public IReadOnlyList<Record> All() =>
        System.IO.Directory.Exists(Root)
            ? [.. System.IO.Directory.EnumerateDirectories(Root).Select(d => Read(Path.GetFileName(d))).OfType<Record>().OrderBy(r => r.Name, StringComparer.Ordinal)]
            : [];

    public void Forget(string lab)
    {
        if (System.IO.Directory.Exists(Directory(lab)))
        {
            System.IO.Directory.Delete(Directory(lab), recursive: true);
        }
    }
}
