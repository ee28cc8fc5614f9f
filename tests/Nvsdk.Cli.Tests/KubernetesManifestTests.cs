using System.Globalization;
using System.Text.RegularExpressions;
using Nvsdk.Core.Metrics;
using Nvsdk.Core.Metrics.PodResources;
using Nvsdk.Testing;
using YamlDotNet.RepresentationModel;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// deploy/kubernetes checked offline (no cluster here): every document parses and has what its kind requires,
/// the references between them hold, one image everywhere (nvsdk's own version), and each container's nvsdk
/// command line is run by the real binary with the pod's mounts mapped onto a fake H100 root.
/// </summary>
public sealed partial class KubernetesManifestTests : IDisposable
{
    private const string Namespace = "nvsdk";
    private const string Image = "ghcr.io/nvsdk/nvsdk";

    private static readonly Dictionary<string, string> ApiVersions = new(StringComparer.Ordinal)
    {
        ["Namespace"] = "v1",
        ["ConfigMap"] = "v1",
        ["Service"] = "v1",
        ["DaemonSet"] = "apps/v1",
        ["ServiceMonitor"] = "monitoring.coreos.com/v1",
        ["PrometheusRule"] = "monitoring.coreos.com/v1",
        ["Kustomization"] = "kustomize.config.k8s.io/v1beta1",
    };

    private static readonly List<(string File, YamlMappingNode Doc)> Docs = ManifestYaml.Load();

    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    private static YamlMappingNode One(string kind) => Assert.Single(Docs, d => d.Doc.Text("kind") == kind).Doc;

    private static YamlNode PodSpec => One("DaemonSet").At("spec", "template", "spec")!;

    private static YamlNode Container(string name, string list = "containers") =>
        Assert.Single(PodSpec.Items(list), c => c.Text("name") == name);

    [Fact]
    public void EveryDocument_KnownKindApiVersionNameAndNamespace()
    {
        Assert.NotEmpty(Docs);
        foreach (var (file, doc) in Docs)
        {
            var kind = doc.Text("kind");
            Assert.True(kind is not null && ApiVersions.ContainsKey(kind), $"{file}: unknown kind {kind}");
            Assert.Equal(ApiVersions[kind], doc.Text("apiVersion"));
            if (kind == "Kustomization")
            {
                continue;
            }

            Assert.False(string.IsNullOrEmpty(doc.Text("metadata", "name")), $"{file}: no metadata.name");
            Assert.Equal(kind == "Namespace" ? null : Namespace, doc.Text("metadata", "namespace"));
        }

        Assert.Equal(Namespace, One("Namespace").Text("metadata", "name"));
    }

    [Fact]
    public void Kustomization_ListsEveryTopLevelManifestButTheOperatorOnes()
    {
        var listed = One("Kustomization").Strings("resources").Order(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(ManifestYaml.Dir, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal);
        Assert.Equal(files, listed);
    }

    [Fact]
    public void ConfigMap_HoldsTheSeedsK8sNodeExampleByteForByte()
    {
        var hostToml = One("ConfigMap").Text("data", "host.toml");
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "k8s-node.toml")), hostToml);
    }

    [Fact]
    public void DaemonSet_SelectorPodLabelsVolumesAndGpuNodesOnly()
    {
        var ds = One("DaemonSet");
        var selector = ds.Map("spec", "selector", "matchLabels");
        var podLabels = ds.Map("spec", "template", "metadata", "labels");
        Assert.NotEmpty(selector);
        Assert.All(selector, l => Assert.Equal(l.Value, podLabels.GetValueOrDefault(l.Key)));

        var volumes = PodSpec.Items("volumes").Select(v => v.Text("name")).ToHashSet(StringComparer.Ordinal);
        foreach (var container in PodSpec.Items("initContainers").Concat(PodSpec.Items("containers")))
        {
            Assert.False(string.IsNullOrEmpty(container.Text("name")));
            Assert.All(container.Items("volumeMounts"), m => Assert.Contains(m.Text("name"), volumes));
        }

        var configMap = Assert.Single(PodSpec.Items("volumes"), v => v.At("configMap") is not null);
        Assert.Equal(One("ConfigMap").Text("metadata", "name"), configMap.Text("configMap", "name"));
        var hostPaths = PodSpec.Items("volumes").Where(v => v.At("hostPath") is not null).ToDictionary(v => v.Text("name")!, v => v.Text("hostPath", "path"), StringComparer.Ordinal);
        Assert.Equal("/", hostPaths["host-root"]);
        Assert.Equal("/var/lib/kubelet/pod-resources", hostPaths["pod-resources"]);

        var terms = PodSpec.Items("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
            .SelectMany(t => t.Items("matchExpressions")).Select(e => e.Text("key")).ToList();
        Assert.Contains("nvidia.com/gpu.present", terms);
        Assert.Contains("feature.node.kubernetes.io/pci-10de.present", terms);
        Assert.Contains(PodSpec.Items("tolerations"), t => t.Text("key") == "nvidia.com/gpu" && t.Text("operator") == "Exists");
    }

    [Fact]
    public void DaemonSet_OnlyTheInitContainerIsPrivilegedAndOnlyItWritesTheHost()
    {
        var init = Container("host-apply", "initContainers");
        Assert.Equal("true", init.Text("securityContext", "privileged"));
        var exporter = Container("exporter");
        Assert.NotEqual("true", exporter.Text("securityContext", "privileged"));
        Assert.Equal("false", exporter.Text("securityContext", "allowPrivilegeEscalation"));
        var hostMount = Assert.Single(exporter.Items("volumeMounts"), m => m.Text("mountPath") == "/host");
        Assert.Equal("true", hostMount.Text("readOnly"));

        // The kubelet's pod-resources socket, where the exporter looks for it by default (pod labels).
        var podResources = Assert.Single(exporter.Items("volumeMounts"), m => m.Text("name") == "pod-resources");
        Assert.Equal(Path.GetDirectoryName(PodResourcesClient.DefaultSocket), podResources.Text("mountPath"));
        Assert.Equal("true", podResources.Text("readOnly"));

        // The GPUs reach the exporter through NVIDIA's runtime, as NVIDIA's CDI setup has it for dcgm-exporter.
        Assert.Equal("nvidia", PodSpec.Text("runtimeClassName"));
        var env = exporter.Items("env").ToDictionary(e => e.Text("name")!, e => e.Text("value"), StringComparer.Ordinal);
        Assert.Equal("all", env["NVIDIA_VISIBLE_DEVICES"]);
        Assert.Equal("utility", env["NVIDIA_DRIVER_CAPABILITIES"]);
        Assert.True(env.ContainsKey("NODE_NAME"));
    }

    [Fact]
    public void ServiceAndScrapeAnnotations_PointAtTheExportersPort()
    {
        var exporter = Container("exporter");
        var port = Assert.Single(exporter.Items("ports"));
        var containerPort = port.Text("containerPort");
        var listen = ListenAddress.Parse(Arg(Args(exporter), "--listen"));
        Assert.Equal(containerPort, listen.Port.ToString(CultureInfo.InvariantCulture));

        var service = One("Service");
        Assert.Equal(One("DaemonSet").Map("spec", "selector", "matchLabels"), service.Map("spec", "selector"));
        var servicePort = Assert.Single(service.Items("spec", "ports"));
        Assert.Equal(port.Text("name"), servicePort.Text("targetPort"));
        foreach (var annotations in new[] { service.Map("metadata", "annotations"), One("DaemonSet").Map("spec", "template", "metadata", "annotations") })
        {
            Assert.Equal("true", annotations["prometheus.io/scrape"]);
            Assert.Equal(containerPort, annotations["prometheus.io/port"]);
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
        }

        var monitor = One("ServiceMonitor");
        Assert.All(monitor.Map("spec", "selector", "matchLabels"), l => Assert.Equal(l.Value, service.Map("metadata", "labels").GetValueOrDefault(l.Key)));
        Assert.Equal(servicePort.Text("name"), Assert.Single(monitor.Items("spec", "endpoints")).Text("port"));
    }

    [Fact]
    public void PrometheusRule_SameGroupsAsTheRulesFilePromtoolChecks()
    {
        var rules = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoPaths.Root, "deploy", "prometheus", "nvsdk-alerts.rules.yaml")))
        {
            rules.Load(reader);
        }

        var groups = ((YamlMappingNode)rules.Documents[0].RootNode).At("groups")!;
        Assert.Equal(Canonical(groups), Canonical(One("PrometheusRule").At("spec", "groups")!));
    }

    /// <summary>A YAML node as text with mapping keys sorted: equal for equal content, whatever the layout and comments.</summary>
    private static string Canonical(YamlNode node) => node switch
    {
        YamlMappingNode map => "{" + string.Join(",", map.Children.Select(c => Canonical(c.Key) + ":" + Canonical(c.Value)).Order(StringComparer.Ordinal)) + "}",
        YamlSequenceNode seq => "[" + string.Join(",", seq.Children.Select(Canonical)) + "]",
        YamlScalarNode scalar => "<" + scalar.Value + ">",
        _ => throw new InvalidOperationException(node.NodeType.ToString()),
    };

    [Fact]
    public async Task Image_OneTagEverywhere_NvsdksVersion_AndTheDockerfileRunsNvsdk()
    {
        var version = await Nvsdk.RunAsync("--version");
        Assert.Equal(0, version.ExitCode);
        var expected = $"{Image}:{version.Stdout.Trim().Split('+')[0]}";

        var images = PodSpec.Items("initContainers").Concat(PodSpec.Items("containers")).Select(c => c.Text("image")).ToList();
        Assert.All(images, i => Assert.Equal(expected, i));

        // Every mention of the image in the repository's deploy files and docs names the same tag.
        var texts = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "deploy"), "*", SearchOption.AllDirectories)
            .Append(Path.Combine(RepoPaths.Root, "docs", "kubernetes.md"))
            .Select(File.ReadAllText);
        Assert.All(texts.SelectMany(t => ImageMention().Matches(t)).Select(m => m.Value), m => Assert.Equal(expected, m));

        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "container", "Dockerfile"));
        Assert.Contains("FROM debian:bookworm-slim\n", dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY out/nvsdk /usr/local/bin/nvsdk\n", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/usr/local/bin/nvsdk\"]\n", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"org.opencontainers.image.version=\"{expected.Split(':')[1]}\"", dockerfile, StringComparison.Ordinal);
        Assert.All(PodSpec.Items("initContainers").Concat(PodSpec.Items("containers")), c => Assert.Null(c.At("command"))); // the entrypoint runs nvsdk
    }

    [Fact]
    public async Task InitContainer_ItsCommandAppliesTheConfigMapToAFakeH100Root()
    {
        var host = FakeHostRoot.BuildH100(temp.Combine("host"));
        var init = Container("host-apply", "initContainers");
        var args = Remap(init, host);

        var apply = await Nvsdk.RunAsync(args);
        Assert.True(apply.ExitCode == 0, $"nvsdk {string.Join(' ', args)}\n{apply}");
        Assert.True(File.Exists(Path.Combine(host, "etc", "cdi", "nvidia.yaml")));
        Assert.True(File.Exists(Path.Combine(host, "etc", "systemd", "system", "nvidia-persistenced.service")));
        Assert.False(File.Exists(Path.Combine(host, "etc", "profile.d", "nvsdk.sh"))); // systemPackages = false

        var again = await Nvsdk.RunAsync(args);
        Assert.Contains("nothing changed", again.Stdout, StringComparison.Ordinal); // a restarted pod changes nothing
    }

    [Fact]
    public async Task Exporter_ItsCommandServesMetricsFromTheFakeRoot()
    {
        var host = FakeHostRoot.BuildH100(temp.Combine("host"));
        var args = Remap(Container("exporter"), host);
        Assert.Equal("exporter", args[0]);
        var listen = Array.IndexOf(args, "--listen");
        Assert.True(listen > 0);

        // The pod listens on 0.0.0.0:9400 in its own network namespace; here a free loopback port stands in.
        using var exporter = await ExporterProcess.StartAsync([.. args[1..listen], .. args[(listen + 2)..]]);
        var text = await exporter.ScrapeAsync();
        Assert.Contains("nvsdk_info{", text, StringComparison.Ordinal);
        Assert.Contains("nvsdk_doctor_check{check=\"driver.loaded\"", text, StringComparison.Ordinal);
    }

    private static List<string> Args(YamlNode container)
    {
        Assert.Null(container.At("command")); // the image's entrypoint is nvsdk
        return container.Strings("args");
    }

    private static string Arg(List<string> args, string flag) => args[args.IndexOf(flag) + 1];

    /// <summary>
    /// The container's args with every path under one of its mounts moved to where that mount's content is
    /// here: the host's root to the fake root, a ConfigMap mount to a folder holding the ConfigMap's files.
    /// </summary>
    private string[] Remap(YamlNode container, string hostRoot)
    {
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mount in container.Items("volumeMounts"))
        {
            var volume = Assert.Single(PodSpec.Items("volumes"), v => v.Text("name") == mount.Text("name"));
            if (volume.At("hostPath") is not null)
            {
                mounts[mount.Text("mountPath")!] = Path.Join(hostRoot, volume.Text("hostPath", "path"));
            }
            else
            {
                var dir = temp.Combine("configmap-" + mount.Text("name"));
                Directory.CreateDirectory(dir);
                foreach (var (name, content) in One("ConfigMap").Map("data"))
                {
                    File.WriteAllText(Path.Combine(dir, name), content);
                }

                mounts[mount.Text("mountPath")!] = dir;
            }
        }

        return Args(container).Select(a => mounts.Where(m => a == m.Key || a.StartsWith(m.Key + "/", StringComparison.Ordinal))
            .Select(m => Path.Join(m.Value, a[m.Key.Length..]).TrimEnd('/'))
            .FirstOrDefault() ?? a).ToArray();
    }

    [GeneratedRegex(@"ghcr\.io/nvsdk/nvsdk:[^\s""']+")]
    private static partial Regex ImageMention();
}
