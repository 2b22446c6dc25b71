namespace LabSite.Testing;

/// <summary>
/// Waits until a program runs in the foreground of its terminal, so a test's Ctrl-C reaches it. Seeing the output of
/// the command before it (<c>echo started; sleep 100</c>) is not enough: until the shell has forked the program and
/// handed it the terminal (tcsetpgrp), the terminal's SIGINT goes to the shell's own group, and the program runs on.
/// </summary>
public static class ForegroundProgram
{
    /// <summary>Bounded wait until a process whose argv is exactly <paramref name="argv"/> leads its terminal's foreground group.</summary>
    public static async Task WaitAsync(string[] argv, double seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (Find(argv))
            {
                return;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"waited {seconds}s for \"{string.Join(' ', argv)}\" to run in the foreground of its terminal");
    }

    private static bool Find(string[] argv)
    {
        foreach (var pid in HostProcesses.All().Where(p => p.Argv.SequenceEqual(argv)).Select(p => p.Pid))
        {
            try
            {
                // "pid (comm) state ppid pgrp session tty_nr tpgid ...": comm may hold spaces, so split after its ')'.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[2] == fields[5])
                {
                    return true;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while being read.
            }
        }
        return false;
    }
}
