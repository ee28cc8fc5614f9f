using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk image pull | export | tags | push`: container images (NGC's Triton) through nvsdk's own OCI
/// client, pinned by digest in the store, flattened like `crane export`.
/// </summary>
internal static partial class ImageCommand
{
    public static Command Create()
    {
        var command = new Command("image", "Pull, export and push container images (OCI distribution API, no Docker needed)");
        command.Add(Pull());
        command.Add(Export());
        command.Add(Tags());
        command.Add(Push());
        command.Add(List());
        command.Add(Remove());
        return command;
    }

    private static Option<string?> PlatformOption() => new("--platform") { Description = "os/arch to take from a multi-platform image: linux/amd64 or linux/arm64 (default: this machine's)" };

    private static Option<int> JobsOption() => new("--jobs", "-j") { Description = "Blobs at once", DefaultValueFactory = _ => 4 };

    private static Command Pull()
    {
        var reference = new Argument<string>("reference") { Description = "registry/repository:tag or registry/repository@sha256:…" };
        var platform = PlatformOption();
        var jobs = JobsOption();
        var command = new Command("pull", "Pull one platform's image into the store, verified blob by blob, and print its digest");
        command.Add(reference);
        command.Add(platform);
        command.Add(jobs);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var (image, pulled) = await PullAsync(result, context, reference, platform, jobs, ct).ConfigureAwait(false);
            RenderPull(context, image, pulled);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Tags()
    {
        var repository = new Argument<string>("repository") { Description = "registry/repository" };
        var command = new Command("tags", "List a repository's tags");
        command.Add(repository);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var image = ImageReference.Parse(result.GetValue(repository)!);
            using var client = Client(4);
            var tags = await client.ListTagsAsync(image, ct).ConfigureAwait(false);
            if (context.Json)
            {
                JsonOut.Write(new JsonImageTags($"{image.Registry}/{image.Repository}", tags), OciCliJsonContext.Default.JsonImageTags);
            }
            else if (context.Text)
            {
                foreach (var tag in tags)
                {
                    Stdout.Console.WriteLine(tag);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Push()
    {
        var layout = new Argument<string>("layout") { Description = "An OCI image layout folder (index.json, blobs/)" };
        var reference = new Argument<string>("reference") { Description = "registry/repository:tag to push to" };
        var name = new Option<string?>("--name") { Description = "Which image of the layout (its org.opencontainers.image.ref.name) when it holds several" };
        var command = new Command("push", "Push an image from an OCI layout folder to a registry (blobs the registry has are skipped)");
        command.Add(layout);
        command.Add(reference);
        command.Add(name);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var target = ImageReference.Parse(result.GetValue(reference)!);
            if (target.Digest is not null)
            {
                throw new UsageException("push to a tag (registry/repository:tag); the digest is what the push prints");
            }

            using var client = Client(4);
            var pushed = await OciLayoutPusher.PushAsync(result.GetValue(layout)!, result.GetValue(name), target, client, ct).ConfigureAwait(false);
            if (context.Json)
            {
                JsonOut.Write(new JsonImagePush(pushed.Pushed.ToString(), $"sha256:{pushed.Pushed.Digest!.Value.Hex}", pushed.MediaType, pushed.BlobsUploaded, pushed.BlobsPresent), OciCliJsonContext.Default.JsonImagePush);
            }
            else if (context.Text)
            {
                Stdout.Console.MarkupLine($"[green]pushed[/] {Markup.Escape(pushed.Pushed.ToString())} ({pushed.BlobsUploaded} blobs uploaded, {pushed.BlobsPresent} already there)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "The pulled images in the store (kept by gc until `image rm`)");
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var images = NvsdkStore.OpenReadOnly(context.StoreRoot).ListImages();
            if (context.Json)
            {
                JsonOut.Write(new JsonImageList(images.Select(r => new JsonImageListed(r.File, r.Source, $"sha256:{r.Sha256}", r.Name, r.Size, r.RegisteredAt)).ToList()), OciCliJsonContext.Default.JsonImageList);
            }
            else if (context.Text)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("reference", "digest", "size", "entry");
                foreach (var r in images)
                {
                    table.AddRow(Markup.Escape(r.File), r.Sha256[..12] + "…", Bytes.Human(r.Size), Markup.Escape(r.Name));
                }

                Stdout.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove()
    {
        var what = new Argument<string[]>("images") { Description = "References (as pulled, or @sha256:…) or store entry names", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rm", "Stop keeping pulled images; `nvsdk store gc` then frees them (unless a generation uses them)");
        command.Add(what);
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var store = NvsdkStore.Open(context.StoreRoot);
            foreach (var item in result.GetValue(what)!)
            {
                foreach (var r in store.ForgetImages(item))
                {
                    if (context.Text)
                    {
                        Stdout.Console.MarkupLine($"[green]released[/] {Markup.Escape(r.File)} ({Markup.Escape(r.Name)}); `nvsdk store gc` frees {Bytes.Human(r.Size)}");
                    }
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What `pull` and `export` share: the reference and platform checked, then the image in the store.</summary>
    private static async Task<(ImageReference Image, ImageInstallResult Pulled)> PullAsync(
        ParseResult result, CliContext context, Argument<string> reference, Option<string?> platform, Option<int> jobs, CancellationToken ct)
    {
        var image = ImageReference.Parse(result.GetValue(reference)!);
        var wanted = result.GetValue(platform) is { } p ? OciPlatforms.Parse(p) : null;
        var store = NvsdkStore.Open(context.StoreRoot);
        using var client = Client(result.GetValue(jobs));
        var pulled = await FetchProgressView.RunAsync(context, report => store.PullImageAsync(image, wanted, client, report, ct)).ConfigureAwait(false);
        return (image, pulled);
    }

    private static RegistryClient Client(int jobs) =>
        new(new RegistryClientOptions { Fetch = new FetchOptions { Parallelism = jobs > 0 ? jobs : throw new UsageException("--jobs must be at least 1") } });

    private static void RenderPull(CliContext context, ImageReference image, ImageInstallResult pulled)
    {
        var record = pulled.Record;
        if (context.Json)
        {
            JsonOut.Write(
                new JsonImagePull(
                    image.ToString(),
                    record.Source,
                    $"sha256:{record.Sha256}",
                    pulled.Resolved?.IndexDigest is { } index ? $"sha256:{index.Hex}" : null,
                    pulled.Resolved?.Platform?.ToString(),
                    record.Name,
                    pulled.EntryPath,
                    pulled.Downloaded,
                    NvsdkStore.ReadImageLayout(pulled.EntryPath).Layers.Count,
                    record.Size),
                OciCliJsonContext.Default.JsonImagePull);
            return;
        }

        if (!context.Text)
        {
            return;
        }

        Stdout.Console.MarkupLine($"{(pulled.Downloaded ? "[green]pulled[/]" : "[grey]present[/]")} {Markup.Escape(image.ToString())}{(pulled.Resolved?.Platform is { } p ? $" ({p})" : string.Empty)}");
        Stdout.Console.WriteLine($"digest: sha256:{record.Sha256}");
        Stdout.Console.WriteLine($"pinned: {record.Source}");
        Stdout.Console.WriteLine($"store:  {pulled.EntryPath} ({Bytes.Human(record.Size)})");
    }
}
