using System.Text.RegularExpressions;

namespace LabSite.Clusters.Contract.LearnerBpf;

/// <summary>A checked clang command line: compile <see cref="Source"/> for BPF into <see cref="Output"/> with <see cref="Flags"/>.</summary>
public sealed record ClangInvocation(string Source, string Output, IReadOnlyList<string> Flags);

/// <summary>
/// The clang command lines the lab shell accepts: <c>clang -O2 -target bpf -c counter.c -o counter.o</c> and a few safe
/// flags (optimisation, warnings, <c>-g</c>, <c>-D</c>, <c>-mcpu</c>). Files are plain names in the lab folder. Both the
/// shell and the backend check with this one parser, so nothing else reaches clang's argv.
/// </summary>
public static partial class ClangArguments
{
    public const string Usage = "usage: clang [-O0|-O1|-O2|-O3|-Os] [-g] [-Wall] [-Werror] [-DNAME[=VALUE]] [-mcpu=v1|v2|v3] -target bpf -c FILE.c [-o FILE.o]";

    /// <summary>Most bytes of source files one compile carries.</summary>
    public const int MaxSourceBytes = 1024 * 1024;

    /// <summary>Most files one compile carries (the .c file and the headers beside it).</summary>
    public const int MaxFiles = 64;

    /// <summary>The checked invocation; throws <see cref="ArgumentException"/> naming the word that is refused.</summary>
    public static ClangInvocation Parse(IReadOnlyList<string> args)
    {
        string? source = null, output = null, target = null;
        var compileOnly = false;
        var flags = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            switch (a)
            {
                case "-c": compileOnly = true; break;
                case "-target" or "--target":
                    target = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"clang: {a} needs a value (bpf)");
                    break;
                case var t when t.StartsWith("--target=", StringComparison.Ordinal) || t.StartsWith("-target=", StringComparison.Ordinal):
                    target = t[(t.IndexOf('=') + 1)..];
                    break;
                case "-o":
                    output = i + 1 < args.Count ? FileName(args[++i], ".o") : throw new ArgumentException("clang: -o needs a file name");
                    break;
                case "-O0" or "-O1" or "-O2" or "-O3" or "-Os" or "-g" or "-Wall" or "-Wextra" or "-Werror" or "-mcpu=v1" or "-mcpu=v2" or "-mcpu=v3":
                    flags.Add(a);
                    break;
                case var w when WarningFlag().IsMatch(w):
                    flags.Add(w);
                    break;
                case var d when d.StartsWith("-D", StringComparison.Ordinal):
                    flags.Add(DefineFlag().IsMatch(d) ? d : throw new ArgumentException($"clang: {Printable(d)}: a define is -DNAME or -DNAME=VALUE (letters, digits, _ . -)"));
                    break;
                case var o when o.StartsWith('-'):
                    throw new ArgumentException($"clang: option {Printable(o)} is not available in the lab shell; {Usage}");
                default:
                    source = source is null ? FileName(a, ".c") : throw new ArgumentException($"clang: one source file per run ({source} and {Printable(a)} given)");
                    break;
            }
        }

        if (target is not ("bpf" or "bpfel"))
        {
            throw new ArgumentException(target is null
                ? "clang: the lab shell compiles eBPF programs only: add -target bpf"
                : $"clang: target {Printable(target)} is not available; the lab shell compiles for -target bpf only");
        }
        if (!compileOnly)
        {
            throw new ArgumentException("clang: add -c (compile to an object file; eBPF objects are not linked)");
        }
        if (source is null)
        {
            throw new ArgumentException("clang: no source file; " + Usage);
        }

        return new ClangInvocation(source, output ?? source[..^2] + ".o", flags);
    }

    /// <summary>A file name in the lab folder's top level with the given extension.</summary>
    public static string FileName(string name, string extension)
    {
        if (!SimpleName().IsMatch(name) || name.StartsWith('.'))
        {
            throw new ArgumentException($"clang: {Printable(name)}: use a plain file name in the lab folder (letters, digits, _ - .), no folders");
        }
        return name.EndsWith(extension, StringComparison.Ordinal) && name.Length > extension.Length
            ? name
            : throw new ArgumentException($"clang: {name}: expected a {extension} file");
    }

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).Take(80).ToArray());

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,100}$")]
    private static partial Regex SimpleName();

    [GeneratedRegex(@"^-D[A-Za-z_][A-Za-z0-9_]{0,63}(=[A-Za-z0-9_.\-]{0,64})?$")]
    private static partial Regex DefineFlag();

    [GeneratedRegex(@"^-W(no-)?[a-z][a-z0-9\-]{0,63}$")]
    private static partial Regex WarningFlag();
}
