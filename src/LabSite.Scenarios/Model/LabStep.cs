namespace LabSite.Scenarios.Model;

/// <summary>
/// One step of a lab: rendered text, the code blocks a learner can copy or send to the terminal,
/// progressive hints, an optional solution, and the checks that decide whether the step is done.
/// </summary>
public sealed record LabStep(
    string Id,
    string Title,
    int Index,
    string Html,
    IReadOnlyList<CodeBlock> CodeBlocks,
    IReadOnlyList<Hint> Hints,
    StepSolution? Solution,
    IReadOnlyList<CheckSpec> Checks,
    SourceLocation Location);

/// <summary>A code block in a step. <see cref="Runnable"/> blocks get a "send to terminal" button.</summary>
public sealed record CodeBlock(int Number, string Language, string Code, bool Runnable);

/// <summary>A hint, revealed one at a time in <see cref="Number"/> order (1-based).</summary>
public sealed record Hint(int Number, string Html);

/// <summary>
/// A step's solution: what the learner sees behind a confirmation (<see cref="Html"/>) and the commands
/// that <c>labsite lab test</c> replays to reach the step's goal (<see cref="Commands"/>): one entry per
/// <c>```sh</c>/<c>```bash</c> block of the solution, in order, each meant to run as one script (so heredocs and
/// line continuations work).
/// </summary>
public sealed record StepSolution(string Html, IReadOnlyList<string> Commands);
