using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace LabSite.Web.Exams.Data.Migrations;

/// <summary>Creates the exam tables. Written by hand: keep it in step with <see cref="ExamDbContextModelSnapshot"/>.</summary>
[DbContext(typeof(ExamDbContext))]
[Migration("20261122130000_InitialExams")]
public sealed class InitialExams : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "exam_attempts",
            columns: table => new
            {
                id = table.Column<string>(type: "TEXT", nullable: false),
                learner_id = table.Column<string>(type: "TEXT", nullable: false),
                blueprint_id = table.Column<string>(type: "TEXT", nullable: false),
                pass_percent = table.Column<int>(type: "INTEGER", nullable: false),
                started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                deadline = table.Column<DateTime>(type: "TEXT", nullable: false),
                submitted_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                auto_submitted = table.Column<bool>(type: "INTEGER", nullable: false),
                correct = table.Column<int>(type: "INTEGER", nullable: true),
                total = table.Column<int>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_exam_attempts", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_exam_attempts_learner", table: "exam_attempts", column: "learner_id");

        migrationBuilder.CreateTable(
            name: "exam_attempt_items",
            columns: table => new
            {
                attempt_id = table.Column<string>(type: "TEXT", nullable: false),
                position = table.Column<int>(type: "INTEGER", nullable: false),
                question_id = table.Column<string>(type: "TEXT", nullable: false),
                option_order = table.Column<string>(type: "TEXT", nullable: false),
                selected = table.Column<string>(type: "TEXT", nullable: false),
                flagged = table.Column<bool>(type: "INTEGER", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_exam_attempt_items", x => new { x.attempt_id, x.position });
                table.ForeignKey(
                    name: "FK_exam_attempt_items_exam_attempts_attempt_id",
                    column: x => x.attempt_id,
                    principalTable: "exam_attempts",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "exam_reviews",
            columns: table => new
            {
                learner_id = table.Column<string>(type: "TEXT", nullable: false),
                question_id = table.Column<string>(type: "TEXT", nullable: false),
                box = table.Column<int>(type: "INTEGER", nullable: false),
                due_at = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_exam_reviews", x => new { x.learner_id, x.question_id }));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "exam_reviews");
        migrationBuilder.DropTable(name: "exam_attempt_items");
        migrationBuilder.DropTable(name: "exam_attempts");
    }
}
