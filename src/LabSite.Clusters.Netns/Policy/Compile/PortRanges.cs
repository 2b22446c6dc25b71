namespace LabSite.Clusters.Netns.Policy.Compile;

/// <summary>Splits a port range into the fewest prefix-aligned blocks, so an LPM trie can store an endPort range.</summary>
public static class PortRanges
{
    /// <summary>(start, port bits fixed) pairs covering [<paramref name="first"/>, <paramref name="last"/>] exactly.</summary>
    public static IReadOnlyList<(ushort Start, byte PortBits)> ToPrefixes(ushort first, ushort last)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, last);
        var result = new List<(ushort, byte)>();
        var start = (uint)first;
        while (start <= last)
        {
            // Largest aligned block starting at `start` that stays inside the range.
            var size = start == 0 ? 0x10000u : start & (~start + 1);
            while (start + size - 1 > last)
            {
                size >>= 1;
            }
            result.Add(((ushort)start, (byte)(16 - System.Numerics.BitOperations.Log2(size))));
            start += size;
        }
        return result;
    }
}
