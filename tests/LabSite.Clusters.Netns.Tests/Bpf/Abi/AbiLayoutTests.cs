using System.Reflection;
using System.Runtime.InteropServices;
using LabSite.Clusters.Netns.Bpf;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Tests.Bpf.Abi;

/// <summary>Every [CStruct] mirror in the Sandbox assembly matches the BTF of the object that defines it.</summary>
public class AbiLayoutTests
{
    public static TheoryData<string, string> Mirrors()
    {
        var data = new TheoryData<string, string>();
        foreach (var t in typeof(CStructAttribute).Assembly.GetTypes())
        {
            if (t.GetCustomAttribute<CStructAttribute>() is { } c)
            {
                data.Add(t.FullName!, c.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Mirrors))]
    public void MirrorMatchesBtf(string typeName, string cStruct)
    {
        var type = typeof(CStructAttribute).Assembly.GetType(typeName)!;
        var objects = Directory.GetFiles(BpfObject.DefaultDirectory, "*.bpf.o");
        Assert.NotEmpty(objects);
        var btf = objects.Select(BtfLayout.Read).FirstOrDefault(b => b.Has(cStruct));
        Assert.True(btf is not null, $"no built object in {BpfObject.DefaultDirectory} defines struct {cStruct}");

        Assert.Equal(btf!.Size(cStruct), Marshal.SizeOf(type));
        var mirrored = new List<string>();
        foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            var c = f.GetCustomAttribute<CFieldAttribute>();
            Assert.True(c is not null, $"{type.Name}.{f.Name} lacks [CField]");
            Assert.True(btf.Members(cStruct).Contains(c!.Name), $"{cStruct} has no member {c.Name}");
            Assert.Equal(btf.Offset(cStruct, c.Name), (int)Marshal.OffsetOf(type, f.Name));
            mirrored.Add(c.Name);
        }

        Assert.Equal(btf.Members(cStruct).Order(), mirrored.Order());
    }
}
