using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Bpf;

namespace LabSite.Clusters.Netns;

/// <summary>
/// The <see cref="IBpfObjects"/> face of a netns lab: the programs of its loaded objects (bpf_lxc, bpf_sock), the maps
/// those programs use, and every object pinned in the lab's bpffs folder (per-endpoint policy maps are pinned only).
/// </summary>
public sealed partial class NetnsCluster : IBpfObjects
{
    public async Task<LabBpfObjects> GetBpfObjectsAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ThrowIfDestroyed();
            var found = new Dictionary<(BpfObjectKind, uint), BpfObjectRef>();
            foreach (var obj in new[] { _policy?.DatapathObject, _loadBalancer?.Object }.OfType<BpfObject>())
            {
                foreach (var program in obj.LoadedPrograms())
                {
                    var (id, mapIds) = BpfObjectIds.OfProgram(program);
                    found[(BpfObjectKind.Program, id)] = new BpfObjectRef(BpfObjectKind.Program, id);
                    foreach (var mapId in mapIds)
                    {
                        found.TryAdd((BpfObjectKind.Map, mapId), new BpfObjectRef(BpfObjectKind.Map, mapId));
                    }
                }
            }

            foreach (var pin in PinnedFiles(Names.BpffsDirectory))
            {
                try
                {
                    var (kind, id) = BpfObjectIds.OfPinned(pin);
                    found[(kind, id)] = new BpfObjectRef(kind, id, pin);
                }
                catch (Exception e) when (e is BpfException or FileNotFoundException)
                {
                    // The pin went with its endpoint while we listed (policy maps follow pods outside this lock).
                }
            }

            return new LabBpfObjects(Names.BpffsDirectory, found.Values.OrderBy(o => o.Kind).ThenBy(o => o.Id).ToList());
        }
        catch (BpfException e)
        {
            throw new ClusterException($"eBPF objects of {Name}: {e.Message}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Pins under the folder; symbolic links are skipped, so a link can never lend another lab's object.</summary>
    private static IEnumerable<string> PinnedFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            : [];
}
