using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace LabSite.Web.Data.Migrations;

/// <summary>
/// The model as of the latest migration, in the form EF's tooling would generate. EF compares it with
/// <see cref="LabSiteDbContext"/>'s model at Migrate() and refuses to run when they differ, so a model
/// change needs a new migration and an updated snapshot (ProgressMigrationsTests checks both).
/// </summary>
[DbContext(typeof(LabSiteDbContext))]
public sealed class LabSiteDbContextModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        modelBuilder.HasAnnotation("ProductVersion", "10.0.14");

        modelBuilder.Entity("LabSite.Web.Data.LabProgressRow", b =>
        {
            b.Property<string>("LearnerId").HasColumnType("TEXT").HasColumnName("learner_id");
            b.Property<string>("LabId").HasColumnType("TEXT").HasColumnName("lab_id");
            b.Property<string>("CurrentStepId").HasColumnType("TEXT").HasColumnName("current_step_id");
            b.Property<DateTime>("StartedAt").HasColumnType("TEXT").HasColumnName("started_at");
            b.Property<DateTime>("UpdatedAt").HasColumnType("TEXT").HasColumnName("updated_at");
            b.HasKey("LearnerId", "LabId");
            b.ToTable("lab_progress");
        });

        modelBuilder.Entity("LabSite.Web.Data.StepProgressRow", b =>
        {
            b.Property<string>("LearnerId").HasColumnType("TEXT").HasColumnName("learner_id");
            b.Property<string>("LabId").HasColumnType("TEXT").HasColumnName("lab_id");
            b.Property<string>("StepId").HasColumnType("TEXT").HasColumnName("step_id");
            b.Property<DateTime>("VisitedAt").HasColumnType("TEXT").HasColumnName("visited_at");
            b.Property<DateTime?>("CompletedAt").HasColumnType("TEXT").HasColumnName("completed_at");
            b.Property<int>("HintsRevealed").HasColumnType("INTEGER").HasColumnName("hints_revealed");
            b.Property<bool>("SolutionShown").HasColumnType("INTEGER").HasColumnName("solution_shown");
            b.HasKey("LearnerId", "LabId", "StepId");
            b.ToTable("step_progress");
        });
    }
}
