using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Data;

/// <summary>
/// The site's own tables: learners' progress through labs. Other areas (exams) keep their own
/// context on the same database file with their own migrations history table.
/// Migrations are written by hand (the EF design-time package is not installable here); a test
/// checks that the model snapshot matches this model, so a forgotten migration fails the build's tests.
/// </summary>
public sealed class LabSiteDbContext(DbContextOptions<LabSiteDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__labsite_migrations";

    public DbSet<LabProgressRow> LabProgress => Set<LabProgressRow>();

    public DbSet<StepProgressRow> StepProgress => Set<StepProgressRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<LabProgressRow>(b =>
        {
            b.ToTable("lab_progress");
            b.HasKey(p => new { p.LearnerId, p.LabId });
            b.Property(p => p.LearnerId).HasColumnName("learner_id");
            b.Property(p => p.LabId).HasColumnName("lab_id");
            b.Property(p => p.CurrentStepId).HasColumnName("current_step_id");
            b.Property(p => p.StartedAt).HasColumnName("started_at");
            b.Property(p => p.UpdatedAt).HasColumnName("updated_at");
        });

        modelBuilder.Entity<StepProgressRow>(b =>
        {
            b.ToTable("step_progress");
            b.HasKey(p => new { p.LearnerId, p.LabId, p.StepId });
            b.Property(p => p.LearnerId).HasColumnName("learner_id");
            b.Property(p => p.LabId).HasColumnName("lab_id");
            b.Property(p => p.StepId).HasColumnName("step_id");
            b.Property(p => p.VisitedAt).HasColumnName("visited_at");
            b.Property(p => p.CompletedAt).HasColumnName("completed_at");
            b.Property(p => p.HintsRevealed).HasColumnName("hints_revealed");
            b.Property(p => p.SolutionShown).HasColumnName("solution_shown");
        });
    }
}
