using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Grader.Results;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Grader.Evaluation.Object;

/// <summary>
/// Evaluates an object check with a <c>kubectl get</c> of the named object: exists, absent, ready (Pod condition
/// Ready; Deployment available replicas) or a field's value. Evidence: the fields it looked at.
/// </summary>
public static class ObjectCheckEvaluator
{
    public static async Task<CheckResult> EvaluateAsync(ObjectCheck check, CheckContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(context);
        var namespaced = ObjectKinds.Namespaced.GetValueOrDefault(check.Resource, true);
        var ns = namespaced ? check.Namespace ?? "default" : null;
        var what = ns is null ? $"{check.Resource} {check.Name}" : $"{check.Resource} {ns}/{check.Name}";
        var expected = check.Expect switch
        {
            ObjectExpectation.Exists => $"{what} exists",
            ObjectExpectation.Absent => $"{what} does not exist",
            ObjectExpectation.Ready => $"{what} is ready",
            _ => $"{what} has {check.Field} = {check.Value}",
        };

        var found = (await context.Cluster.GetAsync(new ObjectQuery(check.Resource, ns, Name: check.Name), ct))
            .FirstOrDefault(o => o.Name == check.Name);
        var get = $"kubectl get {check.Resource.ToLowerInvariant()} {check.Name}" + (ns is null ? "" : $" -n {ns}");
        if (found is null)
        {
            var passed = check.Expect == ObjectExpectation.Absent;
            return Result(check, passed, expected, $"{what} does not exist", [], $"`{get}` should find it; create it as the step says.");
        }

        switch (check.Expect)
        {
            case ObjectExpectation.Exists:
                return Result(check, true, expected, $"{what} exists", [$"{found.Kind}/{found.Name} exists"], null);
            case ObjectExpectation.Absent:
                return Result(check, false, expected, $"{what} still exists", [$"{found.Kind}/{found.Name} exists"], $"Delete it (kubectl delete {check.Resource.ToLowerInvariant()} {check.Name}).");
            case ObjectExpectation.Ready:
                var (ready, evidence) = Readiness(found.Json, check.Resource);
                return Result(check, ready, expected, ready ? $"{what} is ready" : $"{what} is not ready yet", evidence,
                    $"Wait for it (kubectl wait --for=condition=Ready ...) and look at `kubectl describe {check.Resource.ToLowerInvariant()} {check.Name}`.");
            default:
                string? actual;
                try
                {
                    actual = JsonFieldPath.Read(found.Json, check.Field ?? "");
                }
                catch (FormatException e)
                {
                    return Result(check, false, expected, e.Message, [], "The lab's check has a bad field path; tell the lab's author.");
                }
                var equal = actual == check.Value;
                var shown = actual ?? "(not set)";
                return Result(check, equal, expected, $"{check.Field} is {shown}", [$"{check.Field} = {shown}"], $"`{get} -o yaml` shows the object's fields.");
        }
    }

    private static CheckResult Result(ObjectCheck check, bool passed, string expected, string observed, IReadOnlyList<string> evidence, string? advice) =>
        new(check.Id, check.Title, passed ? CheckOutcome.Passed : CheckOutcome.Failed, expected, observed, evidence, passed ? null : check.OnFail ?? advice);

    /// <summary>Pod: condition Ready is True. Deployment: available replicas ≥ desired (default 1). Others: existing is ready.</summary>
    internal static (bool Ready, IReadOnlyList<string> Evidence) Readiness(JsonObject json, string resource)
    {
        if (resource == "Pod")
        {
            var phase = JsonFieldPath.Read(json, ".status.phase") ?? "(no phase)";
            var ready = (json["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
                .FirstOrDefault(c => (string?)c["type"] == "Ready")?["status"]?.ToString() ?? "(no Ready condition)";
            return (ready == "True", [$".status.phase = {phase}", $".status.conditions[Ready] = {ready}"]);
        }
        if (resource == "Deployment")
        {
            var desired = int.TryParse(JsonFieldPath.Read(json, ".spec.replicas"), out var d) ? d : 1;
            var available = int.TryParse(JsonFieldPath.Read(json, ".status.availableReplicas"), out var a) ? a : 0;
            return (available >= desired, [$".spec.replicas = {desired}", $".status.availableReplicas = {available}"]);
        }
        return (true, ["exists"]);
    }
}
