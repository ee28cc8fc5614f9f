namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// The program a CDI spec's hooks run: nvsdk itself (`nvsdk cdi-hook VERB …`, so a host needs nothing of NVIDIA's
/// container toolkit) or NVIDIA's nvidia-cdi-hook (`nvidia-cdi-hook VERB …`), which takes the same verbs and flags.
/// </summary>
internal sealed record CdiHookProgram(string Path)
{
    public const string NvidiaHookName = "nvidia-cdi-hook";

    /// <summary>NVIDIA's hook where the container toolkit installs it.</summary>
    public const string NvidiaHookPath = "/usr/bin/" + NvidiaHookName;

    /// <summary>The subcommand of nvsdk that serves as the hook.</summary>
    public const string NvsdkVerb = "cdi-hook";

    public string Name => System.IO.Path.GetFileName(Path);

    public CdiHook Hook(string verb, IEnumerable<string> args) =>
        new("createContainer", Path, [Name, .. Name == NvidiaHookName ? Array.Empty<string>() : [NvsdkVerb], verb, .. args]);
}
