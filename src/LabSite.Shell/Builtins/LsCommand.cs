using System.Globalization;

namespace LabSite.Shell.Builtins;

/// <summary><c>ls [-a] [-l] [path...]</c> inside the lab folder; one name per line, sorted.</summary>
public sealed class LsCommand : BuiltinCommand
{
    public override string Name => "ls";

    public override string Summary => "list the lab folder (-a: dot files too, -l: sizes and dates)";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var args = new ArgumentReader(Name, context.Args, "al1");
        var targets = args.Operands.Count == 0 ? ["."] : args.Operands;
        var status = 0;
        foreach (var target in targets)
        {
            string full;
            try
            {
                full = context.Session.Folder.Resolve(target);
            }
            catch (ShellPathException e)
            {
                await context.Stderr.WriteLineAsync($"ls: cannot access '{e.Path}': {e.Reason}");
                status = 2;
                continue;
            }
            if (File.Exists(full))
            {
                await WriteEntryAsync(context, new FileInfo(full), target, args.Has('l'));
                continue;
            }
            if (!Directory.Exists(full))
            {
                await context.Stderr.WriteLineAsync($"ls: cannot access '{target}': No such file or directory");
                status = 2;
                continue;
            }
            if (targets.Count > 1)
            {
                await context.Stdout.WriteLineAsync($"{target}:");
            }
            var entries = new DirectoryInfo(full).EnumerateFileSystemInfos()
                .Where(e => args.Has('a') || !e.Name.StartsWith('.'))
                .OrderBy(e => e.Name, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                await WriteEntryAsync(context, entry, entry.Name, args.Has('l'));
            }
        }
        return status;
    }

    private static Task WriteEntryAsync(CommandContext context, FileSystemInfo entry, string name, bool longFormat)
    {
        if (!longFormat)
        {
            return context.Stdout.WriteLineAsync(name);
        }
        var size = entry is FileInfo file ? file.Length : 4096;
        var kind = entry is DirectoryInfo ? 'd' : entry.LinkTarget is not null ? 'l' : '-';
        var date = entry.LastWriteTimeUtc.ToString("MMM dd HH:mm", CultureInfo.InvariantCulture);
        return context.Stdout.WriteLineAsync($"{kind}rw-r--r-- {size,8} {date} {name}");
    }
}
