using SampleHost.Incidents;
using SampleHost.Services;
using SampleHost.Status;

namespace SampleHost.Tests.Status;

/// <summary>The wire contract's "Status summaries" rules.</summary>
public sealed class StatusRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Theory]
    [InlineData(new ServiceStatus[0], StatusIndicator.None)]
    [InlineData(new[] { ServiceStatus.Operational, ServiceStatus.UnderMaintenance }, StatusIndicator.Maintenance)]
    [InlineData(new[] { ServiceStatus.UnderMaintenance, ServiceStatus.DegradedPerformance }, StatusIndicator.Minor)]
    [InlineData(new[] { ServiceStatus.DegradedPerformance, ServiceStatus.PartialOutage }, StatusIndicator.Major)]
    [InlineData(new[] { ServiceStatus.MajorOutage, ServiceStatus.PartialOutage }, StatusIndicator.Critical)]
    internal void WorstServiceWins(ServiceStatus[] statuses, StatusIndicator expected) =>
        StatusRules.Indicator(statuses.Select(Service), []).Should().Be(expected);

    [Fact]
    internal void UnresolvedIncidentRaisesToAtLeastItsImpact()
    {
        var incident = new Incident("i", "o", null, "n", IncidentStatus.Investigating, IncidentImpact.Major, [], Now, Now, null, null, []);

        StatusRules.Indicator([Service(ServiceStatus.DegradedPerformance)], [incident]).Should().Be(StatusIndicator.Major);
        StatusRules.Indicator([Service(ServiceStatus.MajorOutage)], [incident]).Should().Be(StatusIndicator.Critical);
    }

    [Theory]
    [InlineData(StatusIndicator.None, "All Systems Operational")]
    [InlineData(StatusIndicator.Minor, "Partially Degraded Service")]
    [InlineData(StatusIndicator.Major, "Partial System Outage")]
    [InlineData(StatusIndicator.Critical, "Major System Outage")]
    [InlineData(StatusIndicator.Maintenance, "Service Under Maintenance")]
    internal void UsesStatuspageWording(StatusIndicator indicator, string description) =>
        StatusRules.Describe(indicator).Should().Be(description);

    private static Service Service(ServiceStatus status) => new("s", "o", null, "S", null, null, 0, status, Now);
}
