using System.Diagnostics;
using LabSite.NetnsBench;
using LabSite.Sandbox;
using LabSite.Sandbox.Netns;

// Usage (root):
//   dotnet run -c Release --project bench/LabSite.NetnsBench -- ready [runs=20]
//   ... -- memory [clusters=10]
//   ... -- scale [clusters=50]
//   ... -- hold <prefix> <clusters>     (test child: create labs, print READY, wait to be killed)
var mode = args.FirstOrDefault() ?? "ready";
var ct = CancellationToken.None;

NetnsOptions OptionsFor(string prefix) => new()
{
    NamePrefix = prefix,
    BpffsRoot = $"/sys/fs/bpf/labsite-{prefix}",
    CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{prefix}",
    RunDirectory = $"/run/labsite-{prefix}",
};

int Arg(int index, int fallback) => args.Length > index && int.TryParse(args[index], out var v) ? v : fallback;

switch (mode)
{
    case "hold":
    {
        var backend = new NetnsBackend(OptionsFor(args[1]));
        await backend.StartAsync(ct);
        var count = Arg(2, 3);
        for (var i = 0; i < count; i++)
        {
            var c = await backend.CreateAsync(new ClusterRequest($"held{i}"), null, ct);
            await StarWars.StartAsync(c, ct);
            // A long-running exec, so the lab's cgroup holds a process when we are killed.
            _ = c.ExecAsync(new ExecRequest("default", "xwing", ["sleep", "300"]), new ExecStreams(Stream.Null, Stream.Null), ct);
        }

        await Task.Delay(500, ct);
        Console.WriteLine("READY");
        await Task.Delay(Timeout.Infinite, ct);
        break;
    }

    case "ready":
    {
        var runs = Arg(1, 20);
        var backend = new NetnsBackend(OptionsFor("bench"));
        await backend.StartAsync(ct);
        var ready = new List<double>();
        var firstLanding = new List<double>();
        var destroy = new List<double>();
        for (var i = 0; i < runs + 1; i++)
        {
            var sw = Stopwatch.StartNew();
            var c = await backend.CreateAsync(new ClusterRequest($"run{i}"), null, ct);
            await StarWars.ApplyManifestAsync(c, ct);
            var t1 = sw.Elapsed.TotalMilliseconds;
            if (!await StarWars.LandAsync(c, "tiefighter", ct))
            {
                throw new InvalidOperationException($"run {i}: landing failed");
            }

            var t2 = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            await backend.DestroyAsync(c.Name, ct);
            var t3 = sw.Elapsed.TotalMilliseconds;
            if (i > 0)
            {
                // Run 0 warms up the JIT and is not counted.
                ready.Add(t1);
                firstLanding.Add(t2);
                destroy.Add(t3);
            }
        }

        Console.WriteLine($"ready Star Wars cluster (create + http-sw-app.yaml, 4 pods Running, 1 service in the LB map), {runs} runs: {Stats.Summary(ready)}");
        Console.WriteLine($"ready + first sandboxed curl landing:                 {Stats.Summary(firstLanding)}");
        Console.WriteLine($"destroy:                                              {Stats.Summary(destroy)}");
        break;
    }

    case "memory":
    case "scale":
    {
        var count = Arg(1, mode == "memory" ? 10 : 50);
        var options = OptionsFor("bench");
        options.MaxClusters = Math.Max(count, 100);
        var backend = new NetnsBackend(options);
        await backend.StartAsync(ct);
        GC.Collect();
        var availableBefore = Stats.MemAvailableKiB();
        var rssBefore = Process.GetCurrentProcess().WorkingSet64 / 1024;
        var clusters = new List<NetnsCluster>();
        var sw = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var c = await backend.CreateAsync(new ClusterRequest($"lab{i}"), null, ct);
                clusters.Add(c);
                await StarWars.ApplyManifestAsync(c, ct);
            }

            var created = sw.Elapsed.TotalSeconds;
            GC.Collect();
            await Task.Delay(500, ct);
            var availableAfter = Stats.MemAvailableKiB();
            var rssAfter = Process.GetCurrentProcess().WorkingSet64 / 1024;
            sw.Restart();
            var answers = await Task.WhenAll(clusters.Select(async c =>
                await StarWars.LandAsync(c, "tiefighter", ct) && await StarWars.LandAsync(c, "xwing", ct)));
            var ok = answers.Count(a => a);
            Console.WriteLine($"{count} Star Wars clusters created in {created:0.0} s; all-answering check in {sw.Elapsed.TotalSeconds:0.0} s: {ok}/{count} clusters answered both ships");
            Console.WriteLine($"host memory per cluster: {(availableBefore - availableAfter) / (double)count / 1024:0.00} MiB (MemAvailable drop); agent RSS per cluster: {(rssAfter - rssBefore) / (double)count / 1024:0.00} MiB");
        }
        finally
        {
            foreach (var c in clusters)
            {
                await backend.DestroyAsync(c.Name, ct);
            }
        }

        break;
    }

    default:
        Console.Error.WriteLine($"unknown mode \"{mode}\"; use ready, memory, scale or hold");
        return 2;
}

return 0;
