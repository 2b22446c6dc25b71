using LabSite.Scenarios.Markdown;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using Markdig.Extensions.CustomContainers;
using Markdig.Syntax;
using CodeBlock = LabSite.Scenarios.Model.CodeBlock;
using MarkdownCodeBlock = Markdig.Syntax.CodeBlock;

namespace LabSite.Scenarios.Loading;

/// <summary>Turns a collected <see cref="StepDraft"/> into a <see cref="LabStep"/>: numbers its code blocks, renders its HTML.</summary>
internal static class StepBuilder
{
    /// <summary>Fence languages that get a "send to terminal" button; everything else is copy-only.</summary>
    public static readonly IReadOnlyList<string> RunnableLanguages = ["sh", "bash"];

    public static LabStep Build(StepDraft draft, int index, DiagnosticBag bag)
    {
        // One numbering per step, in document order, across text, hints and solution, so HTML and CodeBlocks agree.
        var codeBlocks = new List<CodeBlock>();
        foreach (var block in AllBlocks(draft))
        {
            var language = block is FencedCodeBlock fenced ? fenced.Info ?? "" : "";
            var runnable = RunnableLanguages.Contains(language);
            var number = codeBlocks.Count + 1;
            LabCodeBlockRenderer.Mark(block, number, runnable);
            codeBlocks.Add(new CodeBlock(number, language, Code(block), runnable));
        }

        if (draft.Content.Count == 0)
        {
            bag.Error(draft.Location, $"step \"{draft.Id}\" is empty: write what the learner should do under its heading");
        }

        var hints = draft.Hints.Select((hint, i) => new Hint(i + 1, LabMarkdown.Render(hint))).ToList();
        var solution = draft.Solution is null ? null : BuildSolution(draft.Solution);
        var needsCommands = draft.Checks.Any(c => c is not AnswerCheck);
        if (needsCommands && (solution is null || solution.Commands.Count == 0))
        {
            bag.Error(draft.Location, solution is null
                ? $"step \"{draft.Id}\" has checks but no :::solution; `labsite lab test` replays the solution's ```sh blocks to prove the checks can pass"
                : $"the :::solution of step \"{draft.Id}\" has no ```sh block; `labsite lab test` replays them to prove the step's checks can pass");
        }

        return new LabStep(draft.Id, draft.Title, index, LabMarkdown.Render(draft.Content), codeBlocks, hints, solution, draft.Checks, draft.Location);
    }

    private static StepSolution BuildSolution(CustomContainer container)
    {
        var commands = container.Descendants<FencedCodeBlock>()
            .Where(f => RunnableLanguages.Contains(f.Info ?? ""))
            .Select(Code)
            .Where(code => code.Length > 0)
            .ToList();
        return new StepSolution(LabMarkdown.Render(container), commands);
    }

    private static IEnumerable<MarkdownCodeBlock> AllBlocks(StepDraft draft)
    {
        var containers = draft.Content.Concat(draft.Hints).Concat(draft.Solution is null ? [] : [draft.Solution]);
        return containers
            .SelectMany(block => block is ContainerBlock container ? container.Descendants<MarkdownCodeBlock>() : block is MarkdownCodeBlock code ? [code] : [])
            .OrderBy(block => block.Line);
    }

    private static string Code(MarkdownCodeBlock block) => block.Lines.ToString().TrimEnd();
}
