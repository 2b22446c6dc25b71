using System.Text.Json;
using LabSite.Clusters.Contract.Runtime;

namespace LabSite.Clusters.Contract.Tests.Runtime;

public sealed class TetragonEventTests
{
    private static readonly DateTimeOffset s_t = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);

    private static TetragonProcess Proc(string binary, string? args, string pod = "deathstar-1", string ns = "default") =>
        new("bm9kZToxOjQy", 42, 0, binary, args, "execve", s_t, new TetragonPod(ns, pod, new TetragonContainer("netns://x", "deathstar"), null, "deathstar"), null);

    [Fact]
    public void Exec_serializes_with_tetragons_field_names()
    {
        var e = new TetragonEvent { ProcessExec = new ProcessExec(Proc("/bin/sh", "-c id"), null), NodeName = "kind-worker", Time = s_t };

        using var doc = JsonDocument.Parse(e.ToJson());
        var process = doc.RootElement.GetProperty("process_exec").GetProperty("process");
        Assert.Equal("/bin/sh", process.GetProperty("binary").GetString());
        Assert.Equal("-c id", process.GetProperty("arguments").GetString());
        Assert.Equal("bm9kZToxOjQy", process.GetProperty("exec_id").GetString());
        Assert.Equal("default", process.GetProperty("pod").GetProperty("namespace").GetString());
        Assert.Equal("deathstar", process.GetProperty("pod").GetProperty("container").GetProperty("name").GetString());
        Assert.Equal("kind-worker", doc.RootElement.GetProperty("node_name").GetString());
        Assert.False(doc.RootElement.TryGetProperty("process_exit", out _));
    }

    [Fact]
    public void Real_tetragon_lsm_json_parses()
    {
        const string json = """{"process_lsm":{"process":{"exec_id":"a","pid":7,"uid":0,"binary":"/usr/bin/cat","arguments":"/etc/shadow","flags":"execve","start_time":"2026-12-06T01:00:00Z","pod":{"namespace":"empire","name":"deathstar-1","container":{"id":"c","name":"ds"}}},"function_name":"file_open","policy_name":"secret-read","args":[{"file_arg":{"path":"/etc/shadow"}}],"action":"KPROBE_ACTION_SIGKILL"},"node_name":"n1","time":"2026-12-06T01:00:01Z"}""";

        var e = TetragonEvent.Parse(json);

        Assert.Equal("PROCESS_LSM", e.EventType);
        Assert.Equal("secret-read", e.ProcessLsm!.PolicyName);
        Assert.Equal("/etc/shadow", e.ProcessLsm.Args[0].FileArg!.Path);
        Assert.Equal("🔒 LSM     empire/deathstar-1 /usr/bin/cat file_open", TetragonCompact.Format(e));
    }

    [Fact]
    public void Compact_lines_match_tetras_layout()
    {
        var exec = new TetragonEvent { ProcessExec = new ProcessExec(Proc("/bin/sh", "-c id"), null), Time = s_t };
        var exit = new TetragonEvent { ProcessExit = new ProcessExit(Proc("/usr/bin/id", null), null, null, 0, s_t), Time = s_t };
        var killed = new TetragonEvent { ProcessExit = new ProcessExit(Proc("/usr/bin/cat", "/secret"), null, "SIGKILL", null, s_t), Time = s_t };

        Assert.Equal("🚀 process default/deathstar-1 /bin/sh -c id", TetragonCompact.Format(exec));
        // Tetragon joins event, process, arguments and status with single spaces, so no arguments leaves two.
        Assert.Equal("💥 exit    default/deathstar-1 /usr/bin/id  0", TetragonCompact.Format(exit));
        Assert.Equal("💥 exit    default/deathstar-1 /usr/bin/cat /secret SIGKILL", TetragonCompact.Format(killed));
    }

    [Fact]
    public void Filters_select_by_namespace_pod_regex_binary_regex_and_type()
    {
        var exec = new TetragonEvent { ProcessExec = new ProcessExec(Proc("/bin/sh", null), null), Time = s_t };
        var other = new TetragonEvent { ProcessExec = new ProcessExec(Proc("/bin/sh", null, "xwing", "rebels"), null), Time = s_t };

        Assert.True(new TetragonFilter(["default"], ["deathstar"], ["sh"], ["PROCESS_EXEC"]).Matches(exec));
        Assert.True(new TetragonFilter([], ["^death.*-1$"], ["^/bin/"], []).Matches(exec));
        Assert.False(new TetragonFilter(["default"], [], [], []).Matches(other));
        Assert.False(new TetragonFilter([], ["death"], [], []).Matches(other));
        Assert.False(new TetragonFilter([], [], ["/bin/bash"], []).Matches(exec));
        Assert.False(new TetragonFilter([], [], [], ["PROCESS_EXIT"]).Matches(exec));
        Assert.True(TetragonFilter.All.Matches(other));
    }

    [Fact]
    public void Bad_filters_are_named_as_tetra_names_them()
    {
        Assert.Null(new TetragonFilter([], ["x"], ["y"], ["PROCESS_LSM"]).Validate());
        Assert.Equal("invalid value for \"event-types\" flag: process_exec. Supported are PROCESS_EXEC, PROCESS_EXIT, PROCESS_LSM",
            new TetragonFilter([], [], [], ["process_exec"]).Validate());
        Assert.StartsWith("invalid value for \"pods\" flag: death(", new TetragonFilter([], ["death("], [], []).Validate());
    }

    [Fact]
    public void An_lsm_event_without_a_pod_shows_the_node_name()
    {
        var p = Proc("/usr/bin/cat", "/etc/shadow") with { Pod = null };
        var e = new TetragonEvent { ProcessLsm = new ProcessLsm(p, null, "file_open", "p", [], TetragonActions.Post), NodeName = "lab-node", Time = s_t };

        Assert.Equal("🔒 LSM     lab-node /usr/bin/cat file_open", TetragonCompact.Format(e));
    }

    [Fact]
    public void Non_object_json_is_refused()
    {
        Assert.Throws<JsonException>(() => TetragonEvent.Parse("null"));
        Assert.Throws<JsonException>(() => TetragonEvent.Parse("[1]"));
    }

    [Fact]
    public void Times_are_written_as_protojson_timestamps_and_read_back()
    {
        var t = new DateTimeOffset(2026, 12, 6, 2, 0, 0, TimeSpan.FromHours(1)).AddTicks(1234567);
        var e = new TetragonEvent { ProcessExec = new ProcessExec(Proc("/bin/sh", null), null), Time = t };

        using var doc = JsonDocument.Parse(e.ToJson());
        Assert.Equal("2026-12-06T01:00:00.123456700Z", doc.RootElement.GetProperty("time").GetString());
        Assert.Equal("2026-12-06T01:00:00Z", doc.RootElement.GetProperty("process_exec").GetProperty("process").GetProperty("start_time").GetString());
        Assert.Equal(t, TetragonEvent.Parse(e.ToJson()).Time);
    }
}
