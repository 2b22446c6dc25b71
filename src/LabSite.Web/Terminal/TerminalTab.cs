namespace LabSite.Web.Terminal;

/// <summary>
/// One of a learner's terminal tabs on a lab, numbered 1 to <see cref="MaxPerLab"/>: each is its own shell session on
/// the same cluster and working folder. Tab 1 is the one a lab opens with.
/// </summary>
public readonly record struct TerminalTab(int Number)
{
    /// <summary>A bound per learner and lab: each tab holds a shell and its replay buffer on the server.</summary>
    public const int MaxPerLab = 4;

    public static readonly TerminalTab First = new(1);

    /// <summary>Reads <c>?tab=</c>; missing means tab 1. The error says what is allowed.</summary>
    public static bool TryParse(string? text, out TerminalTab tab, out string error)
    {
        tab = First;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            || number < 1 || number > MaxPerLab)
        {
            error = $"tab must be a number from 1 to {MaxPerLab} (a lab has at most {MaxPerLab} terminals), not \"{(text.Length > 20 ? text[..20] + "..." : text)}\"";
            return false;
        }
        tab = new TerminalTab(number);
        return true;
    }

    public override string ToString() => Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
