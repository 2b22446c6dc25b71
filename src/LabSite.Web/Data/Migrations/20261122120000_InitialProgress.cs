using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LabSite.Web.Data.Migrations;

/// <summary>Creates the progress tables. Written by hand: keep it in step with <see cref="LabSiteDbContextModelSnapshot"/>.</summary>
[DbContext(typeof(LabSiteDbContext))]
[Migration("20261122120000_InitialProgress")]
public sealed class InitialProgress : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "lab_progress",
            columns: table => new
            {
                learner_id = table.Column<string>(type: "TEXT", nullable: false),
                lab_id = table.Column<string>(type: "TEXT", nullable: false),
                current_step_id = table.Column<string>(type: "TEXT", nullable: true),
                started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_lab_progress", x => new { x.learner_id, x.lab_id }));

        migrationBuilder.CreateTable(
            name: "step_progress",
            columns: table => new
            {
                learner_id = table.Column<string>(type: "TEXT", nullable: false),
                lab_id = table.Column<string>(type: "TEXT", nullable: false),
                step_id = table.Column<string>(type: "TEXT", nullable: false),
                visited_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                completed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                hints_revealed = table.Column<int>(type: "INTEGER", nullable: false),
                solution_shown = table.Column<bool>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_step_progress", x => new { x.learner_id, x.lab_id, x.step_id }));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "step_progress");
        migrationBuilder.DropTable(name: "lab_progress");
    }
}
