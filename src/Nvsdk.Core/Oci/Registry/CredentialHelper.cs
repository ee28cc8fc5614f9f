using System.Diagnostics;
using System.Text.Json;

namespace Nvsdk.Core.Oci.Registry;

/// <summary>
/// Docker's credential-helper protocol: `docker-credential-&lt;name&gt; get` reads the registry's host on stdin
/// and prints {"Username": …, "Secret": …}; ECR, GCR, ACR and desktop keychains all ship one. A helper that is
/// missing, fails or knows nothing of the registry means "no credentials", never an error of ours.
/// </summary>
internal static class CredentialHelper
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static RegistryCredentials? Get(string helper, string registry)
    {
        if (helper.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.'))
        {
            return null; // a name, never a path or a command line
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo($"docker-credential-{helper}", "get")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            process.StandardInput.Write(registry);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout) || process.ExitCode != 0)
            {
                return null;
            }

            using var json = JsonDocument.Parse(output.GetAwaiter().GetResult());
            var user = json.RootElement.TryGetProperty("Username", out var u) ? u.GetString() : null;
            var secret = json.RootElement.TryGetProperty("Secret", out var s) ? s.GetString() : null;
            return string.IsNullOrEmpty(secret) ? null : new RegistryCredentials(user ?? string.Empty, secret);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}
