namespace LabSite.Shell.Builtins;

/// <summary><c>true</c> and <c>false</c>: exit 0 or 1, so lab lines like <c>curl ... || true</c> read as in a real shell.</summary>
public sealed class TrueFalseCommand(bool succeed) : BuiltinCommand
{
    public override string Name => succeed ? "true" : "false";

    public override string Summary => succeed ? "do nothing, successfully" : "do nothing, unsuccessfully";

    protected override Task<int> RunBuiltinAsync(CommandContext context) => Task.FromResult(succeed ? 0 : 1);
}
