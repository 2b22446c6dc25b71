using LabSite.Shell.Tests.Support;

namespace LabSite.Shell.Tests;

public class WorkingFolderTests
{
    [Theory]
    [InlineData("/etc/passwd", "absolute paths are outside the lab folder")]
    [InlineData("../x", ".. leaves the lab folder")]
    [InlineData("a/../../x", ".. leaves the lab folder")]
    [InlineData("~/x", "~ (home) is outside the lab folder")]
    [InlineData("a\u0001b", "control characters are not allowed")]
    public void Paths_leaving_the_folder_are_refused(string path, string reason)
    {
        using var shell = new ShellHarness();
        var e = Assert.Throws<ShellPathException>(() => shell.Folder.Resolve(path));
        Assert.StartsWith(reason, e.Reason);
    }

    [Fact]
    public void A_symlink_inside_the_folder_is_not_followed()
    {
        using var shell = new ShellHarness();
        File.WriteAllText(Path.Combine(shell.Parent, "secret"), "s3cret");
        File.CreateSymbolicLink(Path.Combine(shell.Folder.Root, "link"), Path.Combine(shell.Parent, "secret"));
        Directory.CreateSymbolicLink(Path.Combine(shell.Folder.Root, "dir"), shell.Parent);

        Assert.Throws<ShellPathException>(() => shell.Folder.ReadAllText("link"));
        Assert.Throws<ShellPathException>(() => shell.Folder.Write("link", "x", append: false));
        Assert.Throws<ShellPathException>(() => shell.Folder.Write("dir/new", "x", append: false));
        Assert.Equal("s3cret", File.ReadAllText(Path.Combine(shell.Parent, "secret")));
        Assert.False(File.Exists(Path.Combine(shell.Parent, "new")));
    }

    [Fact]
    public async Task Redirection_through_a_symlink_is_refused_with_a_message()
    {
        using var shell = new ShellHarness();
        File.CreateSymbolicLink(Path.Combine(shell.Folder.Root, "out"), Path.Combine(shell.Parent, "outside"));
        var (status, _, err) = await shell.RunAsync("echo hi > out");
        Assert.Equal(1, status);
        Assert.Equal("labsh: out: symbolic links are not followed in the lab folder\n", err);
        Assert.False(File.Exists(Path.Combine(shell.Parent, "outside")));
    }

    [Fact]
    public void Writes_beyond_the_size_limit_are_refused()
    {
        using var shell = new ShellHarness();
        var e = Assert.Throws<ShellPathException>(() => shell.Folder.Write("big", new string('x', WorkingFolder.MaxFileBytes + 1), append: false));
        Assert.Equal("would grow beyond 4 MiB", e.Reason);
    }
}
