using System.Globalization;
using Nvsdk.Testing;

// nvsdk-fixtures DIR [--payload BYTES] [--mirror BASE_URL] [--upstream BASE_URL] [--cuda redistrib|runfile]
// Writes NVIDIA-layout fixture archives into DIR (CUDA as redistrib packages, the shipped lock's form, or with
// --cuda runfile as the .run installers of the runfile lock variant) and DIR/fixture.lock.json whose sources are
// BASE_URL/<file> (mirror first, then upstream). Without URLs, the sources are file:// paths into DIR.
// nvsdk-fixtures fake-host DIR: a fake root built from the real H100 capture (for `nvsdk host plan --root DIR`).
// nvsdk-fixtures update-sources DIR: NVIDIA/PyPI/GitHub-shaped update sources (real manifests, listings,
// runfiles, tars) to serve for `nvsdk update` (scripts/update-demo.sh).
if (args is ["fake-host", var hostDir])
{
    Console.WriteLine(FakeHostRoot.BuildH100(hostDir));
    return 0;
}

if (args is ["update-sources", var sourcesDir])
{
    var sources = await FixtureUpdateSources.BuildAsync(Path.GetFullPath(sourcesDir));
    Console.WriteLine($"update sources in {sources.Root}: CUDA {FixtureUpdateSources.CudaRelease}, TensorRT {FixtureUpdateSources.TensorRtRelease}, cuDNN/cuTENSOR manifests, NCCL (PyPI), CUTLASS (GitHub)");
    return 0;
}

if (args.Length == 0 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: nvsdk-fixtures DIR [--payload BYTES] [--mirror BASE_URL] [--upstream BASE_URL] [--cuda redistrib|runfile]");
    return 2;
}

var dir = Path.GetFullPath(args[0]);
var payload = 64 * 1024;
string? mirror = null;
string? upstream = null;
var cuda = FixtureCuda.Redistrib;
for (var i = 1; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--payload":
            payload = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--mirror":
            mirror = args[i + 1].TrimEnd('/');
            break;
        case "--upstream":
            upstream = args[i + 1].TrimEnd('/');
            break;
        case "--cuda" when Enum.TryParse<FixtureCuda>(args[i + 1], ignoreCase: true, out var form):
            cuda = form;
            break;
        default:
            Console.Error.WriteLine($"nvsdk-fixtures: unknown option {args[i]}");
            return 2;
    }
}

var artifacts = await FixtureArchives.BuildAsync(dir, payload, cuda: cuda);
var lockPath = FixtureLock.Write(Path.Combine(dir, "fixture.lock.json"), artifacts, a =>
{
    var sources = new List<(string, string)>();
    if (mirror is not null)
    {
        sources.Add(($"{mirror}/{a.FileName}", "mirror"));
    }

    sources.Add((upstream is not null ? $"{upstream}/{a.FileName}" : new Uri(a.Path).AbsoluteUri, "upstream"));
    return sources;
});
Console.WriteLine($"{artifacts.Count} fixture archives ({artifacts.Sum(a => a.Size) / 1024} KiB) and {lockPath}");
return 0;
