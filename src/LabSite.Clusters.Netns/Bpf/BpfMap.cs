using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf.Interop;

namespace LabSite.Clusters.Netns.Bpf;

/// <summary>
/// A typed BPF map (hash, LRU, array, LPM trie; per-CPU maps through <c>BpfMap.PerCpu.cs</c>). Keys and values are blittable structs
/// that mirror the C structs byte for byte (see Abi/). Opening checks that their sizes match the
/// kernel's key_size/value_size, so a layout slip fails loudly instead of reading garbage.
/// Thread-safe: each call is one syscall.
/// </summary>
public sealed unsafe partial class BpfMap<TKey, TValue> : IDisposable
    where TKey : unmanaged
    where TValue : unmanaged
{
    private const int ENOENT = 2;

    private BpfMap(BpfFd fd, string name, BpfMapInfo info)
    {
        Fd = fd;
        Name = name;
        MaxEntries = info.MaxEntries;
        Type = info.Type;
        KernelName = Marshal.PtrToStringUTF8((nint)info.Name) ?? "";
    }

    public BpfFd Fd { get; }

    /// <summary>What error messages call it, e.g. "bpf_sock.bpf.o map ls_lb4_services" or a pin path.</summary>
    public string Name { get; }

    /// <summary>The kernel's name (at most 15 characters).</summary>
    public string KernelName { get; }

    public uint MaxEntries { get; }

    /// <summary>The kernel's map type (enum bpf_map_type).</summary>
    public uint Type { get; }

    /// <summary>Opens a map pinned in bpffs, e.g. <c>/sys/fs/bpf/labsite/lab1/ls_lb4_services</c>.</summary>
    public static BpfMap<TKey, TValue> OpenPinned(string path)
    {
        var fd = LibBpf.ObjGet(path);
        if (fd < 0)
        {
            throw new BpfException("open pinned map", path, Marshal.GetLastPInvokeError());
        }

        return FromFd(new BpfFd(fd), path);
    }

    internal static BpfMap<TKey, TValue> FromFd(BpfFd fd, string name)
    {
        BpfMapInfo info = default;
        uint len = (uint)sizeof(BpfMapInfo);
        if (LibBpf.ObjGetInfoByFd(fd.Value, &info, &len) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            fd.Dispose();
            throw new BpfException("inspect", name, errno);
        }

        if (info.KeySize != sizeof(TKey) || info.ValueSize != sizeof(TValue))
        {
            fd.Dispose();
            throw new BpfException(
                "open",
                name,
                22,
                $"kernel key/value sizes are {info.KeySize}/{info.ValueSize} bytes but {typeof(TKey).Name}/{typeof(TValue).Name} are {sizeof(TKey)}/{sizeof(TValue)}");
        }

        return new BpfMap<TKey, TValue>(fd, name, info);
    }

    public bool TryLookup(TKey key, out TValue value)
    {
        TValue v = default;
        var rc = LibBpf.MapLookupElem(Fd.Value, &key, &v);
        value = v;
        if (rc == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == ENOENT ? false : throw new BpfException("lookup in", Name, errno);
    }

    /// <summary>Creates or replaces (<see cref="BpfUpdate.Any"/>), only creates (NoExist) or only replaces (Exist).</summary>
    public void Update(TKey key, TValue value, BpfUpdate flags = BpfUpdate.Any)
    {
        if (LibBpf.MapUpdateElem(Fd.Value, &key, &value, (ulong)flags) < 0)
        {
            throw new BpfException("update", Name, Marshal.GetLastPInvokeError(), $"key {key}");
        }
    }

    /// <summary>Deletes a key; false when it was not there.</summary>
    public bool Delete(TKey key)
    {
        if (LibBpf.MapDeleteElem(Fd.Value, &key) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == ENOENT ? false : throw new BpfException("delete from", Name, errno, $"key {key}");
    }

    /// <summary>All keys, walked with get_next_key. Concurrent deletes may skip or restart keys, as with bpftool.</summary>
    public List<TKey> Keys()
    {
        var keys = new List<TKey>();
        TKey next = default;
        var rc = LibBpf.MapGetNextKey(Fd.Value, null, &next);
        // Bounded by max_entries + 1, so a map mutating under us cannot loop forever.
        for (var i = 0; rc == 0 && i <= MaxEntries; i++)
        {
            keys.Add(next);
            var current = next;
            rc = LibBpf.MapGetNextKey(Fd.Value, &current, &next);
        }

        if (rc < 0 && Marshal.GetLastPInvokeError() is var errno && errno != ENOENT)
        {
            throw new BpfException("iterate", Name, errno);
        }

        return keys;
    }

    /// <summary>Every entry present at the time each key is read.</summary>
    public List<KeyValuePair<TKey, TValue>> Entries()
    {
        var entries = new List<KeyValuePair<TKey, TValue>>();
        foreach (var key in Keys())
        {
            if (TryLookup(key, out var value))
            {
                entries.Add(new(key, value));
            }
        }

        return entries;
    }

    /// <summary>Pins this map at a bpffs path (the directory must exist).</summary>
    public void Pin(string path)
    {
        if (LibBpf.ObjPin(Fd.Value, path) < 0)
        {
            throw new BpfException("pin", $"{Name} at {path}", Marshal.GetLastPInvokeError());
        }
    }

    public void Dispose() => Fd.Dispose();
}

/// <summary>Flags of bpf_map_update_elem.</summary>
public enum BpfUpdate : ulong
{
    Any = 0,
    NoExist = 1,
    Exist = 2,
}
