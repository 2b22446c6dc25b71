using System.Security.Cryptography;
using LabSite.Web.Workshops.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Workshops;

/// <summary>
/// Instructor accounts through ASP.NET Core Identity (its password hasher, its lockout): the first account is an
/// admin created while none exists; every later one redeems an operator-issued invite that names its role.
/// </summary>
public sealed class InstructorAccounts(UserManager<InstructorUser> users, RoleManager<IdentityRole> roles, WorkshopDbContext db, TimeProvider clock)
{
    public const string Admin = "admin";
    public const string Instructor = "instructor";
    public const string Assistant = "assistant";
    public static readonly IReadOnlyList<string> Roles = [Admin, Instructor, Assistant];

    /// <summary>The result of an account operation: the user, or the errors (each naming the field).</summary>
    public sealed record Outcome(InstructorUser? User, IReadOnlyList<string> Errors)
    {
        public bool Succeeded => User is not null;
    }

    public Task<bool> AnyAsync(CancellationToken ct = default) => users.Users.AnyAsync(ct);

    /// <summary>The first-run admin: refused once any account exists (later ones need an invite).</summary>
    public async Task<Outcome> CreateFirstAdminAsync(string email, string password, CancellationToken ct = default)
    {
        if (await AnyAsync(ct))
        {
            return new(null, ["setup: an account already exists; ask an admin for an invite"]);
        }
        return await CreateAsync(email, password, Admin);
    }

    /// <summary>Issues an invite for <paramref name="role"/>; returns the token, which is shown once and stored only hashed.</summary>
    public async Task<string> InviteAsync(string role, TimeSpan validFor, CancellationToken ct = default)
    {
        if (!Roles.Contains(role))
        {
            throw new ArgumentException($"role: \"{role}\" is not one of {string.Join(", ", Roles)}");
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var now = clock.GetUtcNow().UtcDateTime;
        db.Invites.Add(new InstructorInviteRow { TokenHash = Hash(token), Role = role, CreatedAt = now, ExpiresAt = now + validFor });
        await db.SaveChangesAsync(ct);
        return token;
    }

    /// <summary>Creates an account from an invite; the invite is spent atomically, so one token makes one account.</summary>
    public async Task<Outcome> RedeemAsync(string? token, string email, string password, CancellationToken ct = default)
    {
        var hash = Hash(token ?? "");
        var now = clock.GetUtcNow().UtcDateTime;
        var invite = await db.Invites.AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invite is null || invite.ExpiresAt <= now)
        {
            return new(null, ["invite: this invite does not exist or has expired; ask an admin for a new one"]);
        }
        // Spend it first: of two people redeeming the same token at once, exactly one updates the row.
        if (await db.Invites.Where(i => i.TokenHash == hash && i.RedeemedAt == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.RedeemedAt, now), ct) != 1)
        {
            return new(null, ["invite: this invite was already used"]);
        }
        var outcome = await CreateAsync(email, password, invite.Role);
        if (!outcome.Succeeded)
        {
            // Nothing half-done: a refused password leaves the invite usable.
            await db.Invites.Where(i => i.TokenHash == hash).ExecuteUpdateAsync(s => s.SetProperty(i => i.RedeemedAt, (DateTime?)null), ct);
        }
        return outcome;
    }

    private async Task<Outcome> CreateAsync(string email, string password, string role)
    {
        foreach (var name in Roles)
        {
            if (!await roles.RoleExistsAsync(name))
            {
                await roles.CreateAsync(new IdentityRole(name));
            }
        }
        if (!WorkshopSpec.IsEmail(email ?? ""))
        {
            return new(null, ["email: not an email address"]);
        }
        var user = new InstructorUser { UserName = email, Email = email, CreatedAt = clock.GetUtcNow().UtcDateTime, LockoutEnabled = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return new(null, [.. created.Errors.Select(e => (e.Code.Contains("Password", StringComparison.Ordinal) ? "password: " : "account: ") + e.Description)]);
        }
        var added = await users.AddToRoleAsync(user, role);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user);
            return new(null, [.. added.Errors.Select(e => "role: " + e.Description)]);
        }
        return new(user, []);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
