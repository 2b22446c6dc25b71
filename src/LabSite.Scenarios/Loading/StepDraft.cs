using LabSite.Scenarios.Model;
using Markdig.Extensions.CustomContainers;
using Markdig.Syntax;

namespace LabSite.Scenarios.Loading;

/// <summary>A step while its Markdown is being collected, before it becomes a <see cref="LabStep"/>.</summary>
internal sealed class StepDraft(string id, string title, SourceLocation location)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    public SourceLocation Location { get; } = location;

    /// <summary>The step's own text, in order (without hints, solution and checks).</summary>
    public List<Block> Content { get; } = [];

    public List<CustomContainer> Hints { get; } = [];

    public CustomContainer? Solution { get; set; }

    public List<CheckSpec> Checks { get; } = [];
}
