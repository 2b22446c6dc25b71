namespace LabSite.Shell.Builtins;

/// <summary>
/// Reads a builtin's arguments the way coreutils do: bundled short flags (<c>-ic</c>), flags with values
/// (<c>-n 5</c>, <c>-n5</c>), <c>--</c> ending options. Unknown flags are usage errors naming the flag.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly HashSet<char> _flags = [];
    private readonly Dictionary<char, string> _values = [];
    private readonly List<string> _operands = [];

    public ArgumentReader(string command, IReadOnlyList<string> args, string booleanFlags, string valueFlags = "")
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                _operands.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length < 2 || arg[0] != '-' || arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (arg.StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"{command}: unrecognized option '{arg}'");
                }
                _operands.Add(arg);
                continue;
            }
            for (var j = 1; j < arg.Length; j++)
            {
                var flag = arg[j];
                if (valueFlags.Contains(flag))
                {
                    var value = j + 1 < arg.Length ? arg[(j + 1)..] : i + 1 < args.Count ? args[++i] : null;
                    _values[flag] = value ?? throw new UsageException($"{command}: option requires an argument -- '{flag}'");
                    break;
                }
                if (char.IsAsciiDigit(flag) && valueFlags.Contains('n'))
                {
                    // head -5 / tail -5: the old count form.
                    _values['n'] = arg[j..];
                    break;
                }
                if (!booleanFlags.Contains(flag))
                {
                    throw new UsageException($"{command}: invalid option -- '{flag}'");
                }
                _flags.Add(flag);
            }
        }
    }

    public bool Has(char flag) => _flags.Contains(flag);

    public string? Value(char flag) => _values.GetValueOrDefault(flag);

    public IReadOnlyList<string> Operands => _operands;
}

/// <summary>Bad arguments: the message is printed as is, status 2 (coreutils use 1 or 2; grep uses 2).</summary>
public sealed class UsageException(string message) : Exception(message);
