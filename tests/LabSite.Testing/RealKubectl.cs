using System.Diagnostics;

namespace LabSite.Testing;

/// <summary>
/// The real kubectl that scripts/setup.sh installs into .tools/kubectl, so tests can check our Kubernetes API against
/// what kubectl really asks and prints. Missing means setup was not run: that fails the test, it never skips it.
/// </summary>
public static class RealKubectl
{
    public static string Path => System.IO.Path.Combine(RepositoryPaths.Root, ".tools", "kubectl");

    /// <summary>Runs kubectl with <paramref name="args"/> and returns its exit code, stdout and stderr.</summary>
    public static Task<KubectlRun> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>Runs kubectl with <paramref name="input"/> piped to its stdin (then closed), as <c>echo hi | kubectl ...</c>.</summary>
    public static async Task<KubectlRun> RunWithInputAsync(byte[]? input, params string[] args)
    {
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"the real kubectl is missing at {Path}: run scripts/setup.sh (as root) to install it");
        }

        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // An empty HOME keeps the developer's own ~/.kube/config out of every run.
        start.Environment["HOME"] = System.IO.Path.GetTempPath();
        start.Environment.Remove("KUBECONFIG");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (input is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(input);
            }
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // kubectl exited before reading all of it; its output says why.
        }
        await process.WaitForExitAsync();
        return new KubectlRun(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>What one kubectl run printed and how it exited.</summary>
public sealed record KubectlRun(int ExitCode, string Stdout, string Stderr);
