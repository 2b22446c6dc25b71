using System.Text.RegularExpressions;
using LabSite.Scenarios.Checks;
using LabSite.Scenarios.Markdown;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Yaml;
using Markdig.Extensions.CustomContainers;
using Markdig.Extensions.Yaml;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace LabSite.Scenarios.Loading;

/// <summary>
/// Walks lab.md's Markdown after the front matter: the intro, then one step per <c>## Title {#step-id}</c> heading,
/// sorting each block into the step's text, hints, solution or checks, and reporting misplaced or malformed ones.
/// </summary>
internal sealed partial class LabBodyReader(string file, DiagnosticBag bag)
{
    public const string HintContainer = "hint";
    public const string SolutionContainer = "solution";
    public static readonly IReadOnlyList<string> ContainerNames = [HintContainer, SolutionContainer];

    private readonly Dictionary<string, SourceLocation> _stepIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceLocation> _checkIds = new(StringComparer.Ordinal);
    private StepDraft? _step;

    public List<Block> Intro { get; } = [];

    public List<StepDraft> Steps { get; } = [];

    public void Read(MarkdownDocument document)
    {
        foreach (var block in document)
        {
            switch (block)
            {
                case YamlFrontMatterBlock:
                    break;
                case HeadingBlock { Level: 2 } heading:
                    StartStep(heading);
                    break;
                case HeadingBlock { Level: 1 } heading:
                    bag.Error(At(heading), "a '#' heading is not used in labs: the page title comes from the front matter's title, and steps start with '## Title {#step-id}'");
                    break;
                case CustomContainer container:
                    ReadContainer(container);
                    break;
                case FencedCodeBlock { Info: CheckBlockReader.FenceInfo } fence:
                    ReadCheck(fence);
                    break;
                default:
                    ReportUnclosedFences(block);
                    ReportNested(block, "a list or quote");
                    (_step?.Content ?? Intro).Add(block);
                    break;
            }
        }
    }

    private SourceLocation At(Block block) => new(file, block.Line + 1, block.Column + 1);

    private void StartStep(HeadingBlock heading)
    {
        var title = InlineText.Of(heading);
        var id = heading.TryGetAttributes()?.Id;
        if (string.IsNullOrEmpty(id) && TrailingId().Match(title) is { Success: true } written)
        {
            // Markdig's generic attributes skip some ids (one character, for one); read what the author wrote.
            (title, id) = (written.Groups["title"].Value, written.Groups["id"].Value);
        }

        var location = At(heading);
        if (string.IsNullOrEmpty(id))
        {
            bag.Error(location, $"step heading \"{title}\" has no id; write it as \"## {title} {{#{LabIds.Slug(title)}}}\" (ids keep learners' progress when titles change)");
            id = LabIds.Slug(title);
        }
        else if (!LabIds.IsValid(id))
        {
            bag.Error(location, $"step id \"{id}\" must use {LabIds.Rule}, like \"{LabIds.Slug(id)}\"");
        }
        else if (_stepIds.TryGetValue(id, out var first))
        {
            bag.Error(location, $"duplicate step id \"{id}\": line {first.Line} already uses it");
        }
        else
        {
            _stepIds[id] = location;
        }

        if (title.Length == 0)
        {
            bag.Error(location, $"step \"{id}\" has an empty title");
        }

        _step = new StepDraft(id, title, location);
        Steps.Add(_step);
    }

    private void ReadContainer(CustomContainer container)
    {
        var name = container.Info ?? "";
        var location = At(container);
        if (container.ClosingFencedCharCount == 0)
        {
            // An open container swallows the rest of the file, steps included; do not read what is inside.
            bag.Error(location, $"\":::{name}\" is never closed; end it with a line holding only \":::\"");
            return;
        }

        if (!ContainerNames.Contains(name))
        {
            var guess = ClosestMatch.Find(name, ContainerNames);
            bag.Error(location, $"unknown container \":::{name}\"; labs use :::hint and :::solution" + (guess is null ? "" : $" (did you mean \":::{guess}\"?)"));
            return;
        }

        if (_step is null)
        {
            bag.Error(location, $":::{name} outside a step: put it under a step heading like \"## Deploy the app {{#deploy}}\"");
            return;
        }

        ReportNested(container, $":::{name}");
        if (container.Count == 0)
        {
            bag.Error(location, $"empty :::{name} in step \"{_step.Id}\"");
            return;
        }

        if (name == HintContainer)
        {
            _step.Hints.Add(container);
        }
        else if (_step.Solution is { } earlier)
        {
            bag.Error(location, $"step \"{_step.Id}\" already has a :::solution at line {earlier.Line + 1}; merge them into one");
        }
        else
        {
            _step.Solution = container;
        }
    }

    private void ReadCheck(FencedCodeBlock fence)
    {
        var location = At(fence);
        if (fence.ClosingFencedCharCount == 0)
        {
            bag.Error(location, "this ```check block is never closed; end it with a line holding only ```");
            return;
        }

        if (_step is null)
        {
            bag.Error(location, "check block outside a step: put it under a step heading like \"## Deploy the app {#deploy}\"");
            return;
        }

        var check = CheckBlockReader.Read(fence, file, bag);
        if (check is null)
        {
            return;
        }

        if (_checkIds.TryGetValue(check.Id, out var first))
        {
            bag.Error(location, $"duplicate check id \"{check.Id}\": line {first.Line} already uses it (check ids are unique in a lab)");
            return;
        }

        _checkIds[check.Id] = location;
        _step.Checks.Add(check);
    }

    /// <summary>Lab blocks must sit at the top level of a step (or a code block inside :::hint/:::solution), not inside lists or quotes.</summary>
    private void ReportNested(Block block, string where)
    {
        if (block is not ContainerBlock container)
        {
            return;
        }

        foreach (var inner in container.Descendants())
        {
            switch (inner)
            {
                case HeadingBlock { Level: <= 2 } heading:
                    bag.Error(At(heading), $"step heading inside {where}: close {where} with \":::\" before the next step");
                    break;
                case CustomContainer nested:
                    bag.Error(At(nested), $":::{nested.Info} inside {where}: lab containers go directly in a step, not inside lists, quotes or other containers");
                    break;
                case FencedCodeBlock { Info: CheckBlockReader.FenceInfo } check:
                    bag.Error(At(check), $"check block inside {where}: checks go directly in a step, not inside lists, quotes or containers");
                    break;
                case FencedCodeBlock fence:
                    ReportUnclosedFences(fence);
                    break;
            }
        }
    }

    [GeneratedRegex(@"^(?<title>.*?)\s*\{#(?<id>[^}\s]+)\}$")]
    private static partial Regex TrailingId();

    private void ReportUnclosedFences(Block block)
    {
        if (block is FencedCodeBlock { ClosingFencedCharCount: 0 } fence)
        {
            bag.Error(At(fence), $"this code block is never closed; end it with a line holding only {new string(fence.FencedChar, fence.OpeningFencedCharCount)}");
        }
    }
}
