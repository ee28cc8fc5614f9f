using System.CommandLine;
using Nvsdk.Core.Host.Cdi.Hooks;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk cdi-hook update-ldcache --folder DIR… | create-symlinks --link TARGET::LINK… | enable-cuda-compat --host-driver-version=X`: nvsdk as the program a CDI
/// spec's createContainer hooks run (what nvidia-cdi-hook is to nvidia-ctk's specs). The container runtime runs it with
/// the container's state on stdin; it changes only files inside that container's root.
/// </summary>
internal static class CdiHookCommand
{
    public static Command Create()
    {
        var command = new Command("cdi-hook", "OCI hooks run by the container runtime for nvsdk's CDI spec (not for interactive use)");
        command.Add(UpdateLdCache());
        command.Add(CreateSymlinks());
        command.Add(EnableCudaCompat());
        return command;
    }

    private static Command UpdateLdCache()
    {
        var folders = new Option<string[]>("--folder") { Description = "A library folder in the container to add to its linker cache", AllowMultipleArgumentsPerToken = false, Required = true };
        var command = new Command(ContainerLdCache.Verb, "Add the driver's library folders to the container's linker cache (ldconfig -r)") { folders };
        command.SetAction(async (result, ct) =>
        {
            var rootfs = await OciContainerState.ReadRootfsAsync(Console.OpenStandardInput(), ct).ConfigureAwait(false);
            await ContainerLdCache.UpdateAsync(rootfs, result.GetValue(folders) ?? [], ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command EnableCudaCompat()
    {
        var driver = new Option<string>(ContainerCudaCompat.HostDriverVersionOption) { Description = "The host driver's version, e.g. 580.159.04", Required = true };
        var command = new Command(ContainerCudaCompat.Verb, $"Put the image's CUDA forward-compat libraries ({ContainerCudaCompat.CompatFolder}) first when they are newer than the host driver") { driver };
        command.SetAction(async (result, ct) =>
        {
            var rootfs = await OciContainerState.ReadRootfsAsync(Console.OpenStandardInput(), ct).ConfigureAwait(false);
            ContainerCudaCompat.Enable(rootfs, result.GetValue(driver)!);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateSymlinks()
    {
        var links = new Option<string[]>("--link") { Description = "TARGET::LINK, e.g. libcuda.so.1::/usr/lib/x86_64-linux-gnu/libcuda.so", Required = true };
        var command = new Command(ContainerLinks.Verb, "Create links in the container (an existing path is kept)") { links };
        command.SetAction(async (result, ct) =>
        {
            var rootfs = await OciContainerState.ReadRootfsAsync(Console.OpenStandardInput(), ct).ConfigureAwait(false);
            ContainerLinks.Create(rootfs, result.GetValue(links) ?? []);
            return ExitCodes.Ok;
        });
        return command;
    }
}
