using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LabSite.Clusters.Netns.Tests.Bpf.Abi;

/// <summary>Struct sizes and member offsets read from a compiled object's BTF with bpftool (not our code).</summary>
public sealed class BtfLayout
{
    private readonly Dictionary<string, (int Size, Dictionary<string, int> Offsets)> _structs = new();

    private BtfLayout()
    {
    }

    public static BtfLayout Read(string objectPath)
    {
        var psi = new ProcessStartInfo("bpftool", ["btf", "dump", "file", objectPath, "-j"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var json = JsonNode.Parse(p.StandardOutput.ReadToEnd())!;
        p.WaitForExit();
        var layout = new BtfLayout();
        foreach (var t in json["types"]!.AsArray())
        {
            if ((string?)t!["kind"] == "STRUCT" && (string?)t["name"] is { Length: > 0 } name)
            {
                // Anonymous members (unions inside kernel headers) repeat the name "(anon)": keep the first.
                var offsets = new Dictionary<string, int>();
                foreach (var m in t["members"]!.AsArray())
                {
                    offsets.TryAdd((string)m!["name"]!, (int)m["bits_offset"]! / 8);
                }

                layout._structs[name] = ((int)t["size"]!, offsets);
            }
        }

        return layout;
    }

    public bool Has(string name) => _structs.ContainsKey(name);

    public int Size(string name) => _structs[name].Size;

    public int Offset(string structName, string member) => _structs[structName].Offsets[member];

    public IReadOnlyCollection<string> Members(string name) => _structs[name].Offsets.Keys;
}
