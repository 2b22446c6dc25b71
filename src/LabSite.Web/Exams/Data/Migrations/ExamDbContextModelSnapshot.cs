using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LabSite.Web.Exams.Data.Migrations;

/// <summary>
/// The exam model as of the latest migration, in the form EF's tooling would generate. EF compares it with
/// <see cref="ExamDbContext"/>'s model at Migrate() and refuses to run when they differ (ExamMigrationsTests checks it).
/// </summary>
[DbContext(typeof(ExamDbContext))]
public sealed class ExamDbContextModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        modelBuilder.HasAnnotation("ProductVersion", "10.0.14");

        modelBuilder.Entity("LabSite.Web.Exams.Data.ExamAttemptRow", b =>
        {
            b.Property<string>("Id").HasColumnType("TEXT").HasColumnName("id");
            b.Property<bool>("AutoSubmitted").HasColumnType("INTEGER").HasColumnName("auto_submitted");
            b.Property<string>("BlueprintId").IsRequired().HasColumnType("TEXT").HasColumnName("blueprint_id");
            b.Property<int?>("Correct").HasColumnType("INTEGER").HasColumnName("correct");
            b.Property<DateTime>("Deadline").HasColumnType("TEXT").HasColumnName("deadline");
            b.Property<string>("LearnerId").IsRequired().HasColumnType("TEXT").HasColumnName("learner_id");
            b.Property<int>("PassPercent").HasColumnType("INTEGER").HasColumnName("pass_percent");
            b.Property<DateTime>("StartedAt").HasColumnType("TEXT").HasColumnName("started_at");
            b.Property<DateTime?>("SubmittedAt").HasColumnType("TEXT").HasColumnName("submitted_at");
            b.Property<int>("Total").HasColumnType("INTEGER").HasColumnName("total");
            b.HasKey("Id");
            b.HasIndex("LearnerId").HasDatabaseName("ix_exam_attempts_learner");
            b.ToTable("exam_attempts");
        });

        modelBuilder.Entity("LabSite.Web.Exams.Data.ExamAttemptItemRow", b =>
        {
            b.Property<string>("AttemptId").HasColumnType("TEXT").HasColumnName("attempt_id");
            b.Property<int>("Position").HasColumnType("INTEGER").HasColumnName("position");
            b.Property<bool>("Flagged").HasColumnType("INTEGER").HasColumnName("flagged");
            b.Property<string>("OptionOrder").IsRequired().HasColumnType("TEXT").HasColumnName("option_order");
            b.Property<string>("QuestionId").IsRequired().HasColumnType("TEXT").HasColumnName("question_id");
            b.Property<string>("Selected").IsRequired().HasColumnType("TEXT").HasColumnName("selected");
            b.HasKey("AttemptId", "Position");
            b.ToTable("exam_attempt_items");
        });

        modelBuilder.Entity("LabSite.Web.Exams.Data.ExamReviewRow", b =>
        {
            b.Property<string>("LearnerId").HasColumnType("TEXT").HasColumnName("learner_id");
            b.Property<string>("QuestionId").HasColumnType("TEXT").HasColumnName("question_id");
            b.Property<int>("Box").HasColumnType("INTEGER").HasColumnName("box");
            b.Property<DateTime>("DueAt").HasColumnType("TEXT").HasColumnName("due_at");
            b.HasKey("LearnerId", "QuestionId");
            b.ToTable("exam_reviews");
        });

        modelBuilder.Entity("LabSite.Web.Exams.Data.ExamAttemptItemRow", b =>
        {
            b.HasOne("LabSite.Web.Exams.Data.ExamAttemptRow", null)
                .WithMany("Items")
                .HasForeignKey("AttemptId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
        });

        modelBuilder.Entity("LabSite.Web.Exams.Data.ExamAttemptRow", b => b.Navigation("Items"));
    }
}
