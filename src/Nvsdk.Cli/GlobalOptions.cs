using System.CommandLine;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Cli;

/// <summary>Options every command understands; resolved once into <see cref="CliContext"/>.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Lock = new("--lock")
    {
        Description = "The lock file (default: $NVSDK_LOCK, else ./nvsdk.lock.json)",
        Recursive = true,
    };

    public static readonly Option<string?> Root = new("--root")
    {
        Description = "The store root (default: $NVSDK_ROOT, else /var/lib/nvsdk as root, else $XDG_DATA_HOME/nvsdk)",
        Recursive = true,
    };

    /// <summary>
    /// For the `host` verbs --root names the host's root, not the store's: the same word, so it shadows
    /// <see cref="Root"/> under `host` and its help says what it means there.
    /// </summary>
    public static readonly Option<string?> HostRoot = new("--root")
    {
        Description = "The host's root folder (default: /, the real host); host.toml, /etc and the store (DIR/var/lib/nvsdk) are read and written under it, as in a chroot",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print one JSON document on stdout instead of text",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "Print nothing but errors",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show the full cause of errors",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Add(Lock);
        root.Add(Json);
        root.Add(Quiet);
        root.Add(Verbose);
    }

    /// <summary>
    /// --root means the store's root for every verb but `host`, where it is the host's (<see cref="HostRoot"/>):
    /// so it is given to each top-level verb (recursive below it) rather than to the root command.
    /// </summary>
    public static void AddRootOptions(RootCommand root)
    {
        foreach (var verb in root.Subcommands)
        {
            verb.Add(verb.Name == "host" ? HostRoot : Root);
        }
    }

    /// <summary>A --system option; its value is checked when the command runs, so a bad one gets our one-line error.</summary>
    public static Option<string?> System(string description)
    {
        var option = new Option<string?>("--system", "-s") { Description = description };
        option.CompletionSources.Add([.. SystemId.All.Select(s => s.ToString())]); // shell completions offer them
        return option;
    }

    public static SystemId ResolveSystem(string? text)
    {
        if (text is null)
        {
            return SystemId.Host ?? throw new Core.Errors.UsageException(
                "this machine is neither x86_64 nor aarch64", "pass --system x86_64-linux or --system aarch64-linux");
        }

        return SystemId.TryParse(text, out var system)
            ? system
            : throw new Core.Errors.UsageException($"unknown system '{text}'", "use --system x86_64-linux or --system aarch64-linux");
    }
}
