using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Tests.Bpf;

/// <summary>Loads bpf_sock.bpf.o into the real kernel, pins its maps and checks them through bpftool.</summary>
[Trait("Category", "Privileged")]
public sealed class BpfObjectPrivilegedTests : IDisposable
{
    private readonly string _pinDir = $"/sys/fs/bpf/labsite-test-{Guid.NewGuid():N}"[..40];

    [Fact]
    public void LoadPinUpdateAndReadBackThroughBpftool()
    {
        using var obj = BpfObject.OpenBuilt("bpf_sock");
        Assert.Contains("ls_lb4_services", obj.MapNames());
        obj.PinAllMapsUnder(_pinDir);
        obj.Load();
        Assert.True(obj.Program("sock4_connect").Fd > 0);

        using var services = obj.Map<Lb4Key, Lb4Service>("ls_lb4_services");
        var key = new Lb4Key(IPAddress.Parse("10.96.0.10"), 80, L4Protocol.Tcp, 0);
        services.Update(key, new Lb4Service { Count = 2, RevNatIndex = 7 });

        Assert.True(services.TryLookup(key, out var back));
        Assert.Equal(2, back.Count);
        Assert.Single(services.Keys());

        // bpftool, not our code, sees the entry in the pinned map: address bytes 10 96 0 10, port 0x00 0x50.
        var dump = Bpftool("map", "dump", "pinned", Path.Combine(_pinDir, "ls_lb4_services"), "-j");
        var entry = JsonNode.Parse(dump)!.AsArray().Single()!;
        var keyBytes = entry["key"]!.AsArray().Select(b => Convert.ToByte((string)b!, 16)).ToArray();
        Assert.Equal(new byte[] { 10, 96, 0, 10, 0, 80, 0, 0, 6, 0, 0, 0 }, keyBytes);

        Assert.True(services.Delete(key));
        Assert.False(services.Delete(key));
        Assert.False(services.TryLookup(key, out _));
    }

    [Fact]
    public void WrongMirrorSizeIsRejectedWithBothSizes()
    {
        using var obj = BpfObject.OpenBuilt("bpf_sock");
        obj.Load();
        var e = Assert.Throws<BpfException>(() => obj.Map<ulong, Lb4Service>("ls_lb4_services"));
        Assert.Contains("12/12 bytes", e.Message);
        Assert.Contains("UInt64/Lb4Service are 8/12", e.Message);
    }

    [Fact]
    public void UnknownProgramAndMissingObjectNameWhatExists()
    {
        var missing = Assert.Throws<BpfException>(() => BpfObject.Open("/nonexistent/x.bpf.o"));
        Assert.Contains("open /nonexistent/x.bpf.o: ENOENT", missing.Message);

        using var obj = BpfObject.OpenBuilt("bpf_sock");
        obj.Load();
        var e = Assert.Throws<BpfException>(() => obj.Program("nope"));
        Assert.Contains("programs here: sock4_connect", e.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_pinDir))
        {
            foreach (var f in Directory.GetFiles(_pinDir))
            {
                File.Delete(f);
            }

            Directory.Delete(_pinDir);
        }
    }

    private static string Bpftool(params string[] args)
    {
        var psi = new ProcessStartInfo("bpftool", args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"bpftool {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
        return output;
    }
}
