using Nvsdk.Core.Gpu.Cuda;

namespace Nvsdk.Core.Host.Profile;

/// <summary>
/// The files that put the SDK on every user's environment when <c>systemPackages</c> is on: a POSIX
/// <c>/etc/profile.d</c> script for login shells and an <c>/etc/environment.d</c> file for what the systemd user
/// manager starts (GNOME terminals, for one). Both point at the store's stable <c>generations/current</c> link, so
/// an update or a rollback needs no rewrite. Pure: the caller writes them.
/// </summary>
public static class ProfileFiles
{
    /// <summary>Where <see cref="ProfileScript"/> is installed.</summary>
    public const string ProfileScriptPath = "/etc/profile.d/nvsdk.sh";

    /// <summary>Where <see cref="EnvironmentD"/> is installed.</summary>
    public const string EnvironmentDPath = "/etc/environment.d/60-nvsdk.conf";

    /// <summary>The first line of every file nvsdk manages, so a reader knows where edits will go.</summary>
    public const string ManagedHeader = "# managed by nvsdk: hand edits show up as drift and are replaced by the next apply";

    /// <summary>
    /// <c>/etc/profile.d/nvsdk.sh</c>: sets CUDA_PATH and CUDA_HOME to <paramref name="sdkRoot"/> and puts its
    /// <c>bin</c> first on PATH unless it is already there. Plain POSIX sh (sourced by dash, bash and zsh's sh
    /// emulation alike), no helper variables left behind, safe to source any number of times.
    /// </summary>
    /// <param name="sdkRoot">The store's <c>generations/current</c> path, absolute, without a <c>:</c>.</param>
    /// <param name="targets">The GPU architectures to build for (CUDAARCHS, TORCH_CUDA_ARCH_LIST), when known.</param>
    public static string ProfileScript(string sdkRoot, TargetArchitectures? targets = null)
    {
        var root = CheckRoot(sdkRoot);
        var quoted = ShellQuote(root);
        var bin = ShellQuote(root + "/bin");

        // The case pattern's quoted part is matched literally, so a path with glob characters is still exact.
        return $$"""
            {{ManagedHeader}}
            # The CUDA SDK from nvsdk's current generation (an update or rollback moves the link, not this file).
            CUDA_PATH={{quoted}}
            CUDA_HOME={{quoted}}
            export CUDA_PATH CUDA_HOME
            case ":${PATH-}:" in
              *:{{bin}}:*) ;;
              *) PATH={{bin}}${PATH:+:$PATH} ;;
            esac
            export PATH
            {{Exports(targets, v => $"{v.Key}={ShellQuote(v.Value)}\nexport {v.Key}\n")}}
            """;
    }

    /// <summary>
    /// <c>/etc/environment.d/60-nvsdk.conf</c> (environment.d(5): <c>KEY=VALUE</c> lines, <c>$PATH</c> expanded
    /// from what earlier files set): the same three variables as <see cref="ProfileScript"/>. The format has no
    /// conditionals, so the bin folder is prepended unconditionally; the user manager evaluates it once per start.
    /// </summary>
    /// <param name="sdkRoot">
    /// The store's <c>generations/current</c> path, absolute, without <c>:</c>, white space, quotes, backslashes
    /// or <c>$</c> (the format has no quoting that every systemd version reads the same way).
    /// </param>
    /// <param name="targets">The GPU architectures to build for (CUDAARCHS, TORCH_CUDA_ARCH_LIST), when known.</param>
    public static string EnvironmentD(string sdkRoot, TargetArchitectures? targets = null)
    {
        var root = CheckRoot(sdkRoot);
        if (root.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'' or '\\' or '$'))
        {
            throw new ArgumentException($"\"{sdkRoot}\" cannot be written to environment.d unquoted: choose a store path without white space, quotes, '\\' or '$'", nameof(sdkRoot));
        }

        return $$"""
            {{ManagedHeader}}
            # The CUDA SDK from nvsdk's current generation, for the systemd user manager's services.
            CUDA_PATH={{root}}
            CUDA_HOME={{root}}
            PATH={{root}}/bin:${PATH}
            {{Exports(targets, v => $"{v.Key}={v.Value}\n")}}
            """;
    }

    /// <summary>The architecture variables as lines, or nothing: a host with no known GPU exports none.</summary>
    private static string Exports(TargetArchitectures? targets, Func<KeyValuePair<string, string>, string> line) =>
        string.Concat(targets?.Variables().Select(line) ?? []);

    private static string CheckRoot(string sdkRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(sdkRoot);
        if (sdkRoot[0] != '/')
        {
            throw new ArgumentException($"the SDK root must be an absolute path, not \"{sdkRoot}\"", nameof(sdkRoot));
        }

        if (sdkRoot.Any(c => c == ':' || char.IsControl(c)))
        {
            throw new ArgumentException($"\"{sdkRoot}\" holds ':' or a control character, which cannot go on PATH", nameof(sdkRoot));
        }

        // "/opt/nvsdk/generations/current/" and "/opt/nvsdk/generations/current" are one root; keep "/" itself.
        var trimmed = sdkRoot.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    /// <summary>Single-quotes a word for sh; an embedded quote becomes <c>'\''</c>.</summary>
    private static string ShellQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
