using System.Buffers.Binary;
using ELFSharp.ELF;
using ELFSharp.ELF.Sections;
using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.LearnerBpf;

/// <summary>
/// Reads a learner's object in managed code before libbpf (native, running as root) sees it: a 64-bit little-endian
/// relocatable eBPF ELF, within the size and instruction caps, calling only allow-listed helpers, with no kernel
/// function calls, no raw map or BTF references and no extern symbols (kernel symbols, kconfig). Anything malformed is
/// a clear refusal, never a crash.
/// </summary>
public static class LearnerElf
{
    private const ushort MachineBpf = 247;
    private const byte OpCall = 0x85;
    private const byte OpCallX = 0x8d;
    private const byte OpLoadImm64 = 0x18;
    private const byte PseudoCall = 1;

    /// <summary>Sections libbpf would turn into kernel-wide attachments or imports we do not offer.</summary>
    private static readonly string[] s_refusedSections = [".kconfig", ".ksyms", ".struct_ops", ".struct_ops.link", "maps"];

    /// <summary>A code section and its instruction count.</summary>
    public sealed record CodeSection(string Name, int Instructions);

    /// <summary>The object's code sections; throws <see cref="ClusterException"/> saying what is refused and where.</summary>
    public static IReadOnlyList<CodeSection> Check(string file, byte[] bytes)
    {
        if (bytes.Length > LearnerBpfLimits.MaxObjectBytes)
        {
            throw Refused(file, $"the object is {bytes.Length / 1024} KiB; the most accepted is {LearnerBpfLimits.MaxObjectBytes / 1024} KiB");
        }
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw Refused(file, "not an ELF object file (compile it with clang -target bpf -c)");
        }
        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw Refused(file, "not a 64-bit little-endian object (compile it with clang -target bpf)");
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(18)) is var machine && machine != MachineBpf)
        {
            throw Refused(file, $"built for machine {machine}, not eBPF (247): compile it with clang -target bpf");
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(16)) != 1)
        {
            throw Refused(file, "not a relocatable object (compile it with -c)");
        }

        ELF<ulong> elf;
        try
        {
            elf = ELFReader.Load<ulong>(new MemoryStream(bytes, writable: false), shouldOwnStream: true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Refused(file, $"malformed ELF ({e.GetType().Name}: {e.Message})");
        }

        try
        {
            using (elf)
            {
                return CheckSections(file, elf);
            }
        }
        catch (ClusterException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Refused(file, $"malformed ELF ({e.GetType().Name}: {e.Message})");
        }
    }

    private static List<CodeSection> CheckSections(string file, ELF<ulong> elf)
    {
        var code = new List<CodeSection>();
        var total = 0;
        foreach (var section in elf.Sections)
        {
            if (s_refusedSections.Contains(section.Name, StringComparer.Ordinal))
            {
                throw Refused(file, $"section {section.Name} is not available here (no kernel symbols, kconfig, struct_ops or legacy map definitions; define maps in SEC(\".maps\"))");
            }
            if (section.Type == SectionType.SymbolTable && section is SymbolTable<ulong> symbols)
            {
                CheckSymbols(file, symbols);
            }
            if (section.Type != SectionType.ProgBits || (section.Flags & SectionFlags.Executable) == 0)
            {
                continue;
            }

            var insns = section.GetContents();
            if (insns.Length % 8 != 0)
            {
                throw Refused(file, $"code section {section.Name} is {insns.Length} bytes, not whole 8-byte instructions");
            }
            var count = insns.Length / 8;
            total += count;
            if (total > LearnerBpfLimits.MaxInstructions)
            {
                throw Refused(file, $"the object has more than {LearnerBpfLimits.MaxInstructions} instructions (section {section.Name} alone has {count}); keep learner programs small");
            }
            CheckInstructions(file, section.Name, insns);
            if (count > 0)
            {
                code.Add(new CodeSection(section.Name, count));
            }
        }

        return code.Count switch
        {
            0 => throw Refused(file, "no program in the object (put one in SEC(\"tc\"))"),
            > LearnerBpfLimits.MaxProgramsPerObject => throw Refused(file, $"{code.Count} code sections; at most {LearnerBpfLimits.MaxProgramsPerObject} are accepted"),
            _ => code,
        };
    }

    /// <summary>Extern symbols are how an object imports kernel functions, variables and kconfig: none are offered.</summary>
    private static void CheckSymbols(string file, SymbolTable<ulong> symbols)
    {
        foreach (var symbol in symbols.Entries)
        {
            if (symbol.Name.Length > 0 && symbol.PointedSectionIndex == 0 && symbol.Type != SymbolType.File)
            {
                throw Refused(file, $"extern symbol {Printable(symbol.Name)} is not available (learner programs cannot import kernel symbols or kconfig)");
            }
        }
    }

    private static void CheckInstructions(string file, string section, byte[] insns)
    {
        for (var i = 0; i < insns.Length / 8; i++)
        {
            var at = i * 8;
            var op = insns[at];
            var src = insns[at + 1] >> 4;
            var imm = BinaryPrimitives.ReadInt32LittleEndian(insns.AsSpan(at + 4));
            switch (op)
            {
                case OpCall when src == 0:
                    if (!LearnerBpfLimits.Helpers.ContainsKey(imm))
                    {
                        var name = LearnerBpfLimits.KnownRefusedHelpers.GetValueOrDefault(imm, $"helper {imm}");
                        throw Refused(file, $"{section} instruction {i} calls {name}, which learner programs may not use; allowed: {string.Join(", ", LearnerBpfLimits.Helpers.Values)}");
                    }
                    break;
                case OpCall when src == PseudoCall:
                    break;
                case OpCall:
                    throw Refused(file, $"{section} instruction {i} calls a kernel function (kfunc); learner programs may call only the allowed helpers");
                case OpCallX:
                    throw Refused(file, $"{section} instruction {i} is an indirect call, which is not allowed");
                case OpLoadImm64:
                    // Before relocation a map reference is a plain 64-bit load; libbpf marks it. A mark already here would
                    // hand the kernel a raw map fd, map value or BTF object of the object's own choosing.
                    if (src != 0)
                    {
                        throw Refused(file, $"{section} instruction {i} is a 64-bit load of kind {src} (a raw map, BTF or function reference); reference maps by name");
                    }
                    i++;
                    break;
                default:
                    break;
            }
        }
    }

    private static ClusterException Refused(string file, string why) => new($"bpf load {file}: {why}");

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).Take(80).ToArray());
}
