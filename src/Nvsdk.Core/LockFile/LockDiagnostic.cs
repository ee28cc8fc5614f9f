namespace Nvsdk.Core.LockFile;

/// <summary>One finding about a lock file, located by its JSON path.</summary>
public sealed record LockDiagnostic(DiagnosticSeverity Severity, string Code, string JsonPath, string Message)
{
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()}[{Code}] {JsonPath}: {Message}";
}

public enum DiagnosticSeverity
{
    Warning,
    Error,
}
