using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Exams.Data;

/// <summary>
/// The exam area's tables, in the site's database file (<c>&lt;data&gt;/labsite.db</c>) with its own migrations
/// history table, so exams and the rest of the site migrate independently. Migrations are hand-written
/// (the EF design package is not installable here) and the snapshot is checked by a test.
/// </summary>
public sealed class ExamDbContext(DbContextOptions<ExamDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__ExamMigrationsHistory";

    public DbSet<ExamAttemptRow> Attempts => Set<ExamAttemptRow>();

    public DbSet<ExamAttemptItemRow> AttemptItems => Set<ExamAttemptItemRow>();

    public DbSet<ExamReviewRow> Reviews => Set<ExamReviewRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ExamAttemptRow>(b =>
        {
            b.ToTable("exam_attempts");
            b.HasKey(a => a.Id);
            b.Property(a => a.Id).HasColumnName("id");
            b.Property(a => a.LearnerId).HasColumnName("learner_id");
            b.Property(a => a.BlueprintId).HasColumnName("blueprint_id");
            b.Property(a => a.PassPercent).HasColumnName("pass_percent");
            b.Property(a => a.StartedAt).HasColumnName("started_at");
            b.Property(a => a.Deadline).HasColumnName("deadline");
            b.Property(a => a.SubmittedAt).HasColumnName("submitted_at");
            b.Property(a => a.AutoSubmitted).HasColumnName("auto_submitted");
            b.Property(a => a.Correct).HasColumnName("correct");
            b.Property(a => a.Total).HasColumnName("total");
            b.HasIndex(a => a.LearnerId).HasDatabaseName("ix_exam_attempts_learner");
            b.HasMany(a => a.Items).WithOne().HasForeignKey(i => i.AttemptId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ExamAttemptItemRow>(b =>
        {
            b.ToTable("exam_attempt_items");
            b.HasKey(i => new { i.AttemptId, i.Position });
            b.Property(i => i.AttemptId).HasColumnName("attempt_id");
            b.Property(i => i.Position).HasColumnName("position");
            b.Property(i => i.QuestionId).HasColumnName("question_id");
            b.Property(i => i.OptionOrder).HasColumnName("option_order");
            b.Property(i => i.Selected).HasColumnName("selected");
            b.Property(i => i.Flagged).HasColumnName("flagged");
        });

        modelBuilder.Entity<ExamReviewRow>(b =>
        {
            b.ToTable("exam_reviews");
            b.HasKey(r => new { r.LearnerId, r.QuestionId });
            b.Property(r => r.LearnerId).HasColumnName("learner_id");
            b.Property(r => r.QuestionId).HasColumnName("question_id");
            b.Property(r => r.Box).HasColumnName("box");
            b.Property(r => r.DueAt).HasColumnName("due_at");
        });
    }
}
