namespace LabSite.Clusters.Netns.Kernel.Interop;

/// <summary>errno numbers (asm-generic/errno*.h) with their names, for messages such as "EPERM: Operation not permitted".</summary>
public static class Errno
{
    private static readonly Dictionary<int, (string Name, string Text)> s_known = new()
    {
        [1] = ("EPERM", "Operation not permitted"),
        [2] = ("ENOENT", "No such file or directory"),
        [3] = ("ESRCH", "No such process"),
        [4] = ("EINTR", "Interrupted system call"),
        [5] = ("EIO", "Input/output error"),
        [7] = ("E2BIG", "Argument list too long"),
        [9] = ("EBADF", "Bad file descriptor"),
        [11] = ("EAGAIN", "Resource temporarily unavailable"),
        [12] = ("ENOMEM", "Cannot allocate memory"),
        [13] = ("EACCES", "Permission denied"),
        [14] = ("EFAULT", "Bad address"),
        [16] = ("EBUSY", "Device or resource busy"),
        [17] = ("EEXIST", "File exists"),
        [19] = ("ENODEV", "No such device"),
        [20] = ("ENOTDIR", "Not a directory"),
        [22] = ("EINVAL", "Invalid argument"),
        [24] = ("EMFILE", "Too many open files"),
        [28] = ("ENOSPC", "No space left on device"),
        [34] = ("ERANGE", "Numerical result out of range"),
        [38] = ("ENOSYS", "Function not implemented"),
        [95] = ("EOPNOTSUPP", "Operation not supported"),
        [98] = ("EADDRINUSE", "Address already in use"),
        [111] = ("ECONNREFUSED", "Connection refused"),
        [524] = ("ENOTSUPP", "Operation not supported (kernel-internal)"),
    };

    /// <summary>"EACCES: Permission denied" for 13 or -13; "errno 200" for numbers we do not list.</summary>
    public static string Describe(int errno)
    {
        var n = Math.Abs(errno);
        return s_known.TryGetValue(n, out var e) ? $"{e.Name}: {e.Text}" : $"errno {n}";
    }

    public static string Name(int errno) => s_known.TryGetValue(Math.Abs(errno), out var e) ? e.Name : $"errno {Math.Abs(errno)}";
}
