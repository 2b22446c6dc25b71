using LabSite.Web.Tests.Support;
using LabSite.Web.Workshops;
using LabSite.Web.Workshops.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Workshops;

/// <summary>Instructor accounts on Identity's EF stores, real SQLite and real PostgreSQL.</summary>
public sealed class InstructorAccountsTests
{
    private const string Password = "correct horse battery";

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task The_first_admin_is_created_once_and_its_password_is_hashed(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        await using var scope = db.Scope();
        var accounts = scope.ServiceProvider.GetRequiredService<InstructorAccounts>();
        var first = await accounts.CreateFirstAdminAsync("admin@example.org", Password);
        Assert.True(first.Succeeded, string.Join("; ", first.Errors));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<InstructorUser>>();
        Assert.True(await users.IsInRoleAsync(first.User!, InstructorAccounts.Admin));
        Assert.DoesNotContain(Password, first.User!.PasswordHash, StringComparison.Ordinal);
        Assert.True(await users.CheckPasswordAsync(first.User, Password));

        var second = await accounts.CreateFirstAdminAsync("mallory@example.org", Password);
        Assert.False(second.Succeeded);
        Assert.Contains("ask an admin for an invite", Assert.Single(second.Errors));
    }

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task An_invite_makes_one_account_of_its_role_and_a_refused_password_leaves_it_usable(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        await using var scope = db.Scope();
        var accounts = scope.ServiceProvider.GetRequiredService<InstructorAccounts>();
        var token = await accounts.InviteAsync(InstructorAccounts.Assistant, TimeSpan.FromDays(1));

        var weak = await accounts.RedeemAsync(token, "asst@example.org", "short");
        Assert.Contains(weak.Errors, e => e.StartsWith("password:", StringComparison.Ordinal));

        var ok = await accounts.RedeemAsync(token, "asst@example.org", Password);
        Assert.True(ok.Succeeded, string.Join("; ", ok.Errors));
        Assert.True(await scope.ServiceProvider.GetRequiredService<UserManager<InstructorUser>>().IsInRoleAsync(ok.User!, InstructorAccounts.Assistant));

        Assert.Contains("already used", Assert.Single((await accounts.RedeemAsync(token, "other@example.org", Password)).Errors));
        Assert.Contains("does not exist", Assert.Single((await accounts.RedeemAsync("forged", "x@example.org", Password)).Errors));
        Assert.Contains("does not exist", Assert.Single((await accounts.RedeemAsync(null, "x@example.org", Password)).Errors));
        await Assert.ThrowsAsync<ArgumentException>(() => accounts.InviteAsync("root", TimeSpan.FromDays(1)));
    }

    [Theory, MemberData(nameof(WorkshopDatabase.Providers), MemberType = typeof(WorkshopDatabase))]
    public async Task Five_wrong_passwords_lock_the_account(string provider)
    {
        await using var db = new WorkshopDatabase(provider);
        await using var scope = db.Scope();
        var user = (await scope.ServiceProvider.GetRequiredService<InstructorAccounts>().CreateFirstAdminAsync("admin@example.org", Password)).User!;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<InstructorUser>>();
        for (var i = 0; i < 5; i++)
        {
            Assert.False(await users.CheckPasswordAsync(user, "wrong password " + i));
            await users.AccessFailedAsync(user);
        }
        Assert.True(await users.IsLockedOutAsync(user));
    }
}
