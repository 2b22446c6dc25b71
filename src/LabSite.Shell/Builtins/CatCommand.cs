namespace LabSite.Shell.Builtins;

/// <summary><c>cat [file...]</c>: files of the lab folder, or stdin (a pipe or here-document).</summary>
public sealed class CatCommand : BuiltinCommand
{
    public override string Name => "cat";

    public override string Summary => "print files of the lab folder, or stdin";

    protected override async Task<int> RunBuiltinAsync(CommandContext context)
    {
        var args = new ArgumentReader(Name, context.Args, "");
        var (inputs, failed) = await ReadInputsAsync(context, args.Operands);
        foreach (var (_, text) in inputs)
        {
            await context.Stdout.WriteAsync(text);
        }
        return failed ? 1 : 0;
    }
}
