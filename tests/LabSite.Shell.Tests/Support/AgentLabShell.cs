using LabSite.Clusters.Netns;
using LabSite.Testing;

namespace LabSite.Shell.Tests.Support;

/// <summary>
/// The lab shell on a real netns lab behind a real agent (so kubectl is the real one, run in the lab), working in a
/// temporary folder: what the privileged lab-shell tests type into, as a learner types into the browser terminal.
/// </summary>
internal sealed class AgentLabShell : IAsyncDisposable
{
    private AgentLabShell(string folder, NetnsAgentLab lab)
    {
        Folder = folder;
        Lab = lab;
        Shell = NewShell();
    }

    public string Folder { get; }

    public NetnsAgentLab Lab { get; }

    /// <summary>The lab's cluster itself, for what a test waits on or compares with (settling, nodes, pods).</summary>
    public NetnsCluster Cluster => Lab.Local;

    public ShellInterpreter Shell { get; }

    /// <summary>
    /// Starts the lab <paramref name="name"/> (with <paramref name="nodes"/> nodes, <paramref name="appliedManifests"/>
    /// applied at creation) and copies the YAML files of <paramref name="folderManifests"/> into the working folder.
    /// </summary>
    public static async Task<AgentLabShell> StartAsync(string name, string? folderManifests = null, string? appliedManifests = null, int nodes = 1)
    {
        var folder = Directory.CreateTempSubdirectory($"labsh-{name}-").FullName;
        var lab = await NetnsAgentLab.StartAsync(name, appliedManifests, nodes);
        foreach (var file in folderManifests is null ? [] : Directory.GetFiles(folderManifests, "*.yaml"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        return new AgentLabShell(folder, lab);
    }

    /// <summary>A second shell session on the same lab and folder (a second terminal tab).</summary>
    public ShellInterpreter NewShell() => new(new ShellSession(new WorkingFolder(Folder), Lab.Cluster, new ProcessToolRunner()));

    public async Task<(int Status, string Out, string Err)> RunAsync(string line)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var status = await Shell.RunAsync(line, stdout, stderr, CancellationToken.None);
        return (status, stdout.ToString(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Lab.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
