using LabSite.Shell;
using LabSite.Web.Labs;
using LabSite.Web.Learners;
using LabSite.Web.Workspace.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Workspace;

/// <summary>
/// The editor tab's htmx API (issue #6). Each call answers with the <see cref="WorkspacePanel"/> in its next state: the
/// file list, the open file, and what went wrong (a refused path, a file too large, not UTF-8) in words, so validation
/// stays on the server. The folder is always the requesting learner's own (<see cref="LabFolders"/>).
/// </summary>
public static class WorkspaceEndpoints
{
    public static IEndpointRouteBuilder MapWorkspaceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/hx/labs/{labId}/workspace", Panel).WithName("WorkspacePanel");
        var actions = app.MapGroup("/labs/{labId}/workspace").AddEndpointFilter<AntiforgeryCheck>();
        actions.MapPost("/save", Save).WithName("WorkspaceSave");
        actions.MapPost("/new", Create).WithName("WorkspaceCreate");
        return app;
    }

    private static Results<RazorComponentResult<WorkspacePanel>, NotFound> Panel(
        HttpContext context, LabCatalogSource catalog, LabFolders folders, string labId, string? path)
    {
        if (Files(context, catalog, folders, labId) is not var (lab, files))
        {
            return TypedResults.NotFound();
        }

        if (string.IsNullOrEmpty(path))
        {
            return Render(lab, files, null, null);
        }

        try
        {
            return Render(lab, files, new(path, files.Read(path)), null);
        }
        catch (ShellPathException e)
        {
            return Render(lab, files, null, e.Message);
        }
    }

    private static async Task<Results<RazorComponentResult<WorkspacePanel>, NotFound>> Save(
        HttpContext context, LabCatalogSource catalog, LabFolders folders, string labId)
    {
        if (Files(context, catalog, folders, labId) is not var (lab, files))
        {
            return TypedResults.NotFound();
        }

        var (form, problem) = await ReadFormAsync(context);
        if (form is null)
        {
            return Render(lab, files, null, problem);
        }

        var path = form["path"].ToString();
        var content = form["content"].ToString();
        try
        {
            files.Save(path, content);
            return Render(lab, files, new(path, files.Read(path)), null, $"Saved {path}.");
        }
        catch (ShellPathException e)
        {
            // Keep the learner's text in the editor, so a refused save loses nothing.
            return Render(lab, files, new(path, content), e.Message);
        }
    }

    private static async Task<Results<RazorComponentResult<WorkspacePanel>, NotFound>> Create(
        HttpContext context, LabCatalogSource catalog, LabFolders folders, string labId)
    {
        if (Files(context, catalog, folders, labId) is not var (lab, files))
        {
            return TypedResults.NotFound();
        }

        var (form, problem) = await ReadFormAsync(context);
        if (form is null)
        {
            return Render(lab, files, null, problem);
        }

        var path = form["path"].ToString().Trim();
        try
        {
            files.Create(path);
            return Render(lab, files, new(path, ""), null, $"Created {path}.");
        }
        catch (ShellPathException e)
        {
            return Render(lab, files, null, e.Message, newPath: path);
        }
    }

    /// <summary>The form, or why the framework could not read it (over its limits, or NUL characters, which it refuses).</summary>
    private static async Task<(IFormCollection? Form, string? Problem)> ReadFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return (FormCollection.Empty, null);
        }

        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted), null);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.Ordinal))
        {
            return (null, $"the file is too large to save here; the editor saves up to {WorkspaceFiles.MaxEditorBytes / 1024} KiB");
        }
        catch (InvalidDataException)
        {
            return (null, "the text or the file name holds NUL characters, which text files cannot; nothing was saved");
        }
    }

    private static (Scenarios.Model.Lab Lab, WorkspaceFiles Files)? Files(HttpContext context, LabCatalogSource catalog, LabFolders folders, string labId) =>
        catalog.Current.Find(labId) is { } lab ? (lab, new WorkspaceFiles(folders.For(context.GetLearnerId(), lab))) : null;

    private static RazorComponentResult<WorkspacePanel> Render(
        Scenarios.Model.Lab lab, WorkspaceFiles files, WorkspaceFile? open, string? error, string? status = null, string? newPath = null) =>
        new(new { LabId = lab.Id, Files = files.List(), Open = open, Error = error, Status = status, NewPath = newPath });
}

/// <summary>The file open in the editor: its path in the lab folder and its text.</summary>
public sealed record WorkspaceFile(string Path, string Text);
