using LabSite.Scenarios.Model;

namespace LabSite.Scenarios.Loading;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>A problem found in content, with where it is and what to do, printed as <c>file:line:column: message</c>.</summary>
public sealed record Diagnostic(SourceLocation Location, DiagnosticSeverity Severity, string Message)
{
    public override string ToString() =>
        $"{Location}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {Message}";
}
