namespace LabSite.Shell.Kubectl;

/// <summary>
/// kubectl's flag syntax (spf13/pflag): <c>-n x</c>, <c>-nx</c>, <c>-n=x</c>, <c>--namespace x</c>, <c>--namespace=x</c>,
/// bundled booleans (<c>-it</c>), <c>--</c> ending flags. Unknown flags fail with pflag's wording.
/// </summary>
public sealed class KubectlFlags
{
    /// <summary>Flag spec: every spelling → (canonical name, takes a value).</summary>
    public sealed class Spec
    {
        private readonly Dictionary<string, (string Name, bool Value)> _flags = [];

        public Spec Value(string longName, char? shortName = null) => Add(longName, shortName, true);

        public Spec Bool(string longName, char? shortName = null) => Add(longName, shortName, false);

        private Spec Add(string longName, char? shortName, bool value)
        {
            _flags["--" + longName] = (longName, value);
            if (shortName is { } s)
            {
                _flags["-" + s] = (longName, value);
            }
            return this;
        }

        public bool TryGet(string spelling, out (string Name, bool Value) flag) => _flags.TryGetValue(spelling, out flag);
    }

    private readonly Dictionary<string, List<string>> _values = [];
    private readonly HashSet<string> _bools = [];

    public List<string> Positionals { get; } = [];

    /// <summary>Words after <c>--</c> (the command of <c>kubectl exec</c>), or null when there was no <c>--</c>.</summary>
    public List<string>? Command { get; private set; }

    public static KubectlFlags Parse(IReadOnlyList<string> args, Spec spec)
    {
        var flags = new KubectlFlags();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                flags.Command = args.Skip(i + 1).ToList();
                break;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                flags.Positionals.Add(arg);
                continue;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=');
                var name = eq < 0 ? arg : arg[..eq];
                if (!spec.TryGet(name, out var flag))
                {
                    throw new KubectlException($"error: unknown flag: {name}");
                }
                if (!flag.Value)
                {
                    if (eq >= 0 && arg[(eq + 1)..] is not ("true" or "false"))
                    {
                        throw new KubectlException($"error: invalid argument \"{arg[(eq + 1)..]}\" for \"{name}\" flag: strconv.ParseBool: parsing \"{arg[(eq + 1)..]}\": invalid syntax");
                    }
                    if (eq < 0 || arg[(eq + 1)..] == "true")
                    {
                        flags._bools.Add(flag.Name);
                    }
                    continue;
                }
                var value = eq >= 0 ? arg[(eq + 1)..] : i + 1 < args.Count ? args[++i] : throw new KubectlException($"error: flag needs an argument: {name}");
                flags.Add(flag.Name, value);
                continue;
            }
            for (var j = 1; j < arg.Length; j++)
            {
                if (!spec.TryGet("-" + arg[j], out var flag))
                {
                    throw new KubectlException($"error: unknown shorthand flag: '{arg[j]}' in {arg}");
                }
                if (!flag.Value)
                {
                    flags._bools.Add(flag.Name);
                    continue;
                }
                var rest = arg[(j + 1)..];
                var value = rest.Length > 0 ? rest.TrimStart('=') : i + 1 < args.Count ? args[++i] : throw new KubectlException($"error: flag needs an argument: '{arg[j]}' in -{arg[j]}");
                flags.Add(flag.Name, value);
                break;
            }
        }
        return flags;
    }

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }
        list.Add(value);
    }

    public bool Has(string name) => _bools.Contains(name);

    /// <summary>The last value given (pflag keeps the last for scalar flags).</summary>
    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : [];
}

/// <summary>A kubectl failure: the message as kubectl prints it, and its exit status (1 unless said).</summary>
public sealed class KubectlException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
