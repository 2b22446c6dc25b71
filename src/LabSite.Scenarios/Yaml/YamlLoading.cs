using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Yaml;

/// <summary>Where and why YAML could not be read; the mark is 1-based within the YAML text.</summary>
public sealed record YamlFailure(Mark Start, string Message);

/// <summary>
/// Loads YAML text into a <see cref="YamlStream"/> and turns every parser failure into a <see cref="YamlFailure"/>.
/// YamlDotNet reports most problems as <see cref="YamlException"/> with a position, but some malformed input
/// (an unclosed <c>{</c> at the end of the text) throws <see cref="InvalidOperationException"/> without one, so the
/// parser is wrapped to remember the last position it read.
/// </summary>
public static class YamlLoading
{
    public static YamlStream? Load(string text, out YamlFailure? failure)
    {
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
            failure = null;
            return stream;
        }
        catch (YamlException e) when (e.Start.Index >= text.TrimEnd().Length && parser.OpenFlowStart is { } open)
        {
            // Reported at the end of the text, where nothing can be fixed: point at the bracket left open instead.
            failure = new YamlFailure(open, $"this '[' or '{{' is never closed ({YamlErrorText.Clean(e)})");
        }
        catch (YamlException e)
        {
            failure = new YamlFailure(e.Start, YamlErrorText.Clean(e));
        }
        catch (InvalidOperationException)
        {
            failure = parser.OpenFlowStart is { } open
                ? new YamlFailure(open, "this '[' or '{' is never closed")
                : new YamlFailure(parser.LastEnd, "the text ends before what is written here is complete");
        }

        return null;
    }

    /// <summary>Remembers the last position read and the collections still open, to place failures that carry no mark.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        private readonly Stack<(Mark Start, bool Flow)> _open = new();

        public Mark LastEnd { get; private set; } = Mark.Empty;

        /// <summary>Where the innermost still-open <c>[...]</c> or <c>{...}</c> starts, if any.</summary>
        public Mark? OpenFlowStart => _open.Where(c => c.Flow).Select(c => (Mark?)c.Start).FirstOrDefault();

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            switch (inner.Current)
            {
                case MappingStart start:
                    _open.Push((start.Start, start.Style == MappingStyle.Flow));
                    break;
                case SequenceStart start:
                    _open.Push((start.Start, start.Style == SequenceStyle.Flow));
                    break;
                case MappingEnd or SequenceEnd when _open.Count > 0:
                    _open.Pop();
                    break;
            }

            if (inner.Current is { } current)
            {
                LastEnd = current.End;
            }

            return moved;
        }
    }
}
