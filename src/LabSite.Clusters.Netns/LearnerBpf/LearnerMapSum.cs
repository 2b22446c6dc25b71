using System.Buffers.Binary;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.LearnerBpf;

/// <summary>The total of a learner map's values: every key's value (on every CPU of a per-CPU map) read as a little-endian number.</summary>
internal static unsafe class LearnerMapSum
{
    private const uint PercpuArray = 6;

    /// <summary>Null when values are not 1, 2, 4 or 8 bytes (a struct, not a counter).</summary>
    public static ulong? Sum(int fd, BpfMapFacts map)
    {
        if (map.ValueSize is not (1 or 2 or 4 or 8))
        {
            return null;
        }

        var cpus = map.Type == PercpuArray ? LibBpf.NumPossibleCpus() : 1;
        var stride = map.Type == PercpuArray ? 8 : (int)map.ValueSize;
        var key = new byte[map.KeySize];
        var next = new byte[map.KeySize];
        var value = new byte[stride * Math.Max(cpus, 1)];
        ulong total = 0;
        fixed (byte* k = key, n = next, v = value)
        {
            byte* previous = null;
            // Bounded by max_entries: a hash map changing under us cannot keep the walk going.
            for (var i = 0; i < map.MaxEntries && LibBpf.MapGetNextKey(fd, previous, n) == 0; i++)
            {
                if (LibBpf.MapLookupElem(fd, n, v) == 0)
                {
                    for (var cpu = 0; cpu < Math.Max(cpus, 1); cpu++)
                    {
                        total = unchecked(total + Read(value.AsSpan(cpu * stride, (int)map.ValueSize)));
                    }
                }
                next.CopyTo(key, 0);
                previous = k;
            }
        }

        return total;
    }

    private static ulong Read(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        1 => bytes[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };
}
