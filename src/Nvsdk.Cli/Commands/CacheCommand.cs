using System.CommandLine;
using Nvsdk.Cli.Output;
using Nvsdk.Core.Cache;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Spectre.Console;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk cache keygen | push | pull | use | status | enable | disable`: a signed binary cache of unpacked
/// store trees in any OCI registry (the seed used cachix with a signing key).
/// </summary>
internal static class CacheCommand
{
    public static Command Create()
    {
        var command = new Command("cache", "A signed binary cache of unpacked SDK trees in any OCI registry");
        command.Add(Keygen());
        command.Add(Push());
        command.Add(Pull());
        command.Add(Use());
        command.Add(Status());
        command.Add(Toggle("enable", true));
        command.Add(Toggle("disable", false));
        return command;
    }

    private static Command Keygen()
    {
        var name = new Argument<string>("name") { Description = "The key's name, e.g. cache.example.org-1 (it is stored with every signature)" };
        var dir = new Option<string>("--out") { Description = "Folder for NAME.sec (secret, mode 0600) and NAME.pub", DefaultValueFactory = _ => "." };
        var command = new Command("keygen", "Make a signing key pair for `cache push` (ECDSA P-256)");
        command.Add(name);
        command.Add(dir);
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var keyName = result.GetValue(name)!;
            var folder = result.GetValue(dir)!;
            if (!Directory.Exists(folder))
            {
                throw new UsageException($"{folder} is not a folder; create it or pass --out DIR");
            }

            using var key = CacheSigningKey.Generate(keyName);
            var secret = Path.Combine(folder, keyName + ".sec");
            var pub = Path.Combine(folder, keyName + ".pub");
            key.Save(secret, pub);
            if (context.Json)
            {
                JsonOut.Write(new JsonCacheKeygen(keyName, Path.GetFullPath(secret), Path.GetFullPath(pub), key.PublicKey.ToString()), OciCliJsonContext.Default.JsonCacheKeygen);
            }
            else if (context.Text)
            {
                Stdout.Console.MarkupLine($"[green]key pair written[/]: {Markup.Escape(secret)} (secret, keep it private) and {Markup.Escape(pub)}");
                Stdout.Console.WriteLine($"public key: {key.PublicKey}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Push()
    {
        var cache = CacheArgument();
        var entries = new Argument<string[]>("entries") { Description = "Store entries to push (default: every tree of the current generation)", Arity = ArgumentArity.ZeroOrMore };
        var keyFile = new Option<string?>("--key") { Description = "The secret key from `cache keygen` (default: $NVSDK_CACHE_KEY)" };
        var command = new Command("push", "Sign store trees and push them to a registry repository as OCI artifacts");
        command.Add(cache);
        command.Add(entries);
        command.Add(keyFile);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var target = ParseCache(result.GetValue(cache)!);
            var keyPath = result.GetValue(keyFile) ?? Environment.GetEnvironmentVariable("NVSDK_CACHE_KEY")
                ?? throw new UsageException("no signing key; pass --key FILE.sec (from `nvsdk cache keygen`) or set NVSDK_CACHE_KEY");
            using var key = CacheSigningKey.Load(keyPath);
            var store = NvsdkStore.OpenReadOnly(context.StoreRoot);
            var records = SelectEntries(store, result.GetValue(entries) ?? []);
            using var client = new RegistryClient();
            var binary = new BinaryCache(client);
            var pushed = new List<JsonCachePushed>();
            foreach (var record in records)
            {
                var uploaded = await binary.PushAsync(store, record, target, key, ct).ConfigureAwait(false);
                pushed.Add(new JsonCachePushed(record.Name, record.Component, record.Version, record.Sha256, uploaded ? "uploaded" : "present"));
                if (context.Text)
                {
                    Stdout.Console.MarkupLine($"{(uploaded ? "[green]pushed[/] " : "[grey]present[/]")} {Markup.Escape(record.Name)} ({Bytes.Human(record.Size)} unpacked)");
                }
            }

            if (context.Json)
            {
                JsonOut.Write(new JsonCachePush(target.ToString(), pushed), OciCliJsonContext.Default.JsonCachePush);
            }
            else if (context.Text)
            {
                Stdout.Console.MarkupLine($"{pushed.Count(p => p.Action == "uploaded")} pushed, {pushed.Count(p => p.Action == "present")} already there, signed by [bold]{Markup.Escape(key.Name)}[/], cache {Markup.Escape(target.ToString())}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Pull()
    {
        var cache = CacheArgument();
        var entries = new Argument<string[]>("entries") { Description = "Tree entries to pull (default: every pinned component of the lock for --system)", Arity = ArgumentArity.ZeroOrMore };
        var trusted = TrustedKeyOption();
        var system = GlobalOptions.System("Pull the trees of this system instead of the host's");
        var command = new Command("pull", "Pull signed trees from a cache into the store (only entries signed by a trusted key)");
        command.Add(cache);
        command.Add(entries);
        command.Add(trusted);
        command.Add(system);
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            var source = ParseCache(result.GetValue(cache)!);
            var store = NvsdkStore.Open(context.StoreRoot);
            var keys = TrustedKeys(result.GetValue(trusted), store);
            var names = result.GetValue(entries) is { Length: > 0 } given ? given.ToList() : LockTrees(context, result.GetValue(system));
            using var client = new RegistryClient();
            var binary = new BinaryCache(client);
            var pulled = new List<JsonCachePulled>();
            await FetchProgressView.RunAsync(context, async report =>
            {
                foreach (var name in names)
                {
                    var present = store.TryGetRecord(name) is not null;
                    var tree = await binary.TryPullAsync(store, name, source, keys, report, ct).ConfigureAwait(false);
                    pulled.Add(new JsonCachePulled(name, tree is null ? "missing" : present ? "present" : "pulled"));
                }

                return 0;
            }).ConfigureAwait(false);
            if (context.Json)
            {
                JsonOut.Write(new JsonCachePull(source.ToString(), pulled), OciCliJsonContext.Default.JsonCachePull);
            }
            else if (context.Text)
            {
                foreach (var p in pulled)
                {
                    Stdout.Console.MarkupLine($"{p.Action switch { "pulled" => "[green]pulled [/]", "present" => "[grey]present[/]", _ => "[yellow]missing[/]" }} {Markup.Escape(p.Entry)}");
                }
            }

            return pulled.Any(p => p.Action == "missing") ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Use()
    {
        var cache = CacheArgument();
        var trusted = TrustedKeyOption();
        var command = new Command("use", "Make `install` try this cache first, trusting the given public keys");
        command.Add(cache);
        command.Add(trusted);
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var target = ParseCache(result.GetValue(cache)!);
            var keys = (result.GetValue(trusted) ?? []).Select(TrustedKey.FromFileOrText).ToList();
            if (keys.Count == 0)
            {
                throw new UsageException("a cache is used only with a trusted key; pass --trusted-key KEY.pub (from `nvsdk cache keygen`)");
            }

            var store = NvsdkStore.Open(context.StoreRoot);
            var settings = CacheSettings.Load(store.Layout);
            var name = $"{target.Registry}/{target.Repository}";
            settings = settings with
            {
                Enabled = true,
                Caches = settings.Caches.Contains(name) ? settings.Caches : [.. settings.Caches, name],
                TrustedKeys = settings.TrustedKeys.Concat(keys.Select(k => k.ToString())).Distinct().ToList(),
            };
            settings.Save(store.Layout);
            Render(context, store, settings);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "Show the configured caches and trusted keys");
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var store = NvsdkStore.OpenReadOnly(context.StoreRoot);
            Render(context, store, CacheSettings.Load(store.Layout));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Toggle(string verb, bool enabled)
    {
        var command = new Command(verb, enabled ? "Let `install` use the configured caches again" : "Stop `install` from using any cache (as --no-cache, kept)");
        command.SetAction(result =>
        {
            var context = CliContext.From(result);
            var store = NvsdkStore.Open(context.StoreRoot);
            var settings = CacheSettings.Load(store.Layout) with { Enabled = enabled };
            settings.Save(store.Layout);
            Render(context, store, settings);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(CliContext context, NvsdkStore store, CacheSettings settings)
    {
        var file = Path.Combine(store.Layout.Root, CacheSettings.FileName);
        if (context.Json)
        {
            JsonOut.Write(new JsonCacheSettings(settings.Enabled, settings.Active, settings.Caches, settings.TrustedKeys, file), OciCliJsonContext.Default.JsonCacheSettings);
            return;
        }

        if (!context.Text)
        {
            return;
        }

        Stdout.Console.MarkupLine(settings.Active ? "caches: [green]on[/]" : settings.Caches.Count == 0 ? "caches: none configured" : "caches: [yellow]off[/]");
        foreach (var cache in settings.Caches)
        {
            Stdout.Console.WriteLine($"  {cache}");
        }

        foreach (var key in settings.TrustedKeys)
        {
            Stdout.Console.WriteLine($"  trusts {key[..key.IndexOf(':', StringComparison.Ordinal)]}");
        }
    }

    private static Argument<string> CacheArgument() => new("cache") { Description = "registry/repository of the cache, e.g. 127.0.0.1:5000/nvsdk-cache" };

    private static Option<string[]> TrustedKeyOption() => new("--trusted-key") { Description = "A public key (KEY.pub or NAME:BASE64) whose signatures are accepted; repeatable", AllowMultipleArgumentsPerToken = false };

    private static ImageReference ParseCache(string text)
    {
        var reference = ImageReference.Parse(text);
        return reference with { Tag = null, Digest = null };
    }

    private static IReadOnlyList<TrustedKey> TrustedKeys(string[]? given, NvsdkStore store)
    {
        var keys = given is { Length: > 0 } ? given.Select(TrustedKey.FromFileOrText).ToList() : CacheSettings.Load(store.Layout).ParsedKeys().ToList();
        return keys.Count > 0 ? keys : throw new UsageException("no trusted key; pass --trusted-key KEY.pub or configure one with `nvsdk cache use`");
    }

    private static List<StoreEntryRecord> SelectEntries(NvsdkStore store, string[] names)
    {
        if (names.Length > 0)
        {
            return names.Select(n => store.TryGetRecord(n) ?? throw new UsageException($"'{n}' is not a registered store entry; see `nvsdk store list`")).ToList();
        }

        var current = new Generations(store.Layout).Current()
            ?? throw new UsageException("no current generation to push; run `nvsdk install` first or name entries");
        return current.Entries.Select(n => store.TryGetRecord(n) ?? throw new UsageException($"the current generation names {n}, which is not in the store; run `nvsdk store verify`")).ToList();
    }

    private static List<string> LockTrees(CliContext context, string? system)
    {
        var lockFile = context.LoadLock();
        var selection = ArtifactSelection.Select(lockFile, [], GlobalOptions.ResolveSystem(system), allowUnpinned: false);
        return selection.Artifacts.Where(a => a.Format != ArtifactFormat.OciImage).Select(a => NvsdkStore.TreeEntryName(a, a.Sha256!.Value)).ToList();
    }
}
