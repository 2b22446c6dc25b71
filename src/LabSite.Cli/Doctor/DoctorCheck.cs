namespace LabSite.Cli.Doctor;

/// <summary>
/// One thing a backend needs from the host: what was found (a version, a path, a size), and when it is missing or
/// too small, the command that fixes it. <see cref="Required"/> false marks what only some labs use (a warning).
/// </summary>
public sealed record DoctorCheck(string Backend, string Name, bool Ok, string Found, string Fix = "", bool Required = true)
{
    /// <summary>One line: <c>ok</c>, <c>MISSING</c> (required) or <c>warn</c>, the name, what was found, and the fix.</summary>
    public string ToLine() =>
        $"  {(Ok ? "ok     " : Required ? "MISSING" : "warn   ")} {Name,-22} {Found}{(Ok || Fix.Length == 0 ? "" : $"  → {Fix}")}";
}
