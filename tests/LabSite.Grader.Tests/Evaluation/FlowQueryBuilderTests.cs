using LabSite.Clusters.Contract.Flows;
using LabSite.Grader.Evaluation.Flow;
using LabSite.Scenarios.Checks;
using CheckFilter = LabSite.Scenarios.Model.Checks.FlowFilter;

namespace LabSite.Grader.Tests.Evaluation;

public class FlowQueryBuilderTests
{
    [Fact]
    public void Every_drop_reason_a_check_accepts_is_one_hubble_filters_on()
    {
        Assert.Contains("POLICY_DENIED", FlowCheckReader.DropReasons);
        foreach (var name in FlowCheckReader.DropReasons)
        {
            var filters = FlowQueryBuilder.Build(new CheckFilter(null, null, null, name, null, null, null, null, null));
            Assert.Equal([Enum.Parse<DropReason>(name)], Assert.Single(filters.Allow).DropReasonDesc);
        }
    }

    [Fact]
    public void A_trace_point_becomes_hubbles_type_trace_point_filter()
    {
        var filter = new CheckFilter(null, null, null, null, null, null, Scenarios.Model.Checks.FlowEventType.Trace, null, null, "from-overlay");

        Assert.Contains(("type", "trace:from-overlay"), FlowQueryBuilder.Flags(filter));
        var allow = Assert.Single(FlowQueryBuilder.Build(filter).Allow);
        Assert.Contains((4, (int?)9), allow.EventType);
    }
}
