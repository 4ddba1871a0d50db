namespace TenantRealtime.BenchServer;

/// <summary>The rooms of a drive and their sizes: which organization and tenant target <c>i</c> is, and its fan-out.</summary>
/// <remarks>
/// The fan-out counts the connections that read: in slow-consumer, connections 0 … Stalled − 1 (one per tenant
/// first) never read, so the rate and the expected deliveries are the readers', and the stalled ones get theirs on top.
/// </remarks>
internal sealed class DrivePlan
{
    private readonly int[] _tenantSize;
    private readonly int[] _orgSize;
    private readonly string[] _organizationIds;
    private readonly string[] _tenantIds;
    private readonly int _tenantsPerOrg;
    private readonly int _connections;

    // topic-fanout: subscribers per tenant and topic (TopicPlan), and the topics' names.
    private readonly int[][] _topicSubscribers = [];
    private readonly string[] _topicNames = [];

    public DrivePlan(DriveRequest r)
    {
        _tenantsPerOrg = r.TenantsPerOrg;
        _connections = r.Connections - Math.Max(0, r.Stalled);
        var organizations = (r.Tenants + r.TenantsPerOrg - 1) / r.TenantsPerOrg;
        _tenantSize = new int[r.Tenants];
        for (var j = Math.Max(0, r.Stalled); j < r.Connections; j++)
        {
            _tenantSize[j % r.Tenants]++;
        }

        _orgSize = new int[organizations];
        for (var i = 0; i < r.Tenants; i++)
        {
            _orgSize[i / r.TenantsPerOrg] += _tenantSize[i];
        }

        _organizationIds = [.. Enumerable.Range(0, organizations).Select(o => $"o{o}")];
        _tenantIds = [.. Enumerable.Range(0, r.Tenants).Select(t => $"t{t}")];
        if (r.Scenario == DriveRequest.TopicFanout)
        {
            var topics = new BenchShared.TopicPlan(r.TopicsPerTenant, r.TopicSubscriptions);
            _topicSubscribers = [.. _tenantSize.Select(topics.Subscribers)];
            _topicNames = [.. Enumerable.Range(0, r.TopicsPerTenant).Select(BenchShared.TopicPlan.Name)];
        }

        Targets = r.Scenario switch
        {
            "org-fanout" => organizations,
            "broadcast-all" => 1,
            DriveRequest.TopicFanout => r.Tenants * r.TopicsPerTenant,
            _ => r.Tenants,
        };
    }

    /// <summary>Gets how many distinct targets the scenario round-robins over.</summary>
    public int Targets { get; }

    /// <summary>The tenant id of tenant target <paramref name="i"/>.</summary>
    public string TenantId(int i) => _tenantIds[i];

    /// <summary>
    /// Sends one broadcast (or, in state mode, one state change) to target <paramref name="i"/>; returns the send and
    /// its expected fan-out (readers). A state change counts its fan-out as a broadcast would, so the same
    /// <c>--rate</c> offers the same changes per second in both modes; the rate bound merges some of them.
    /// </summary>
    public (Task Task, int Fanout) Send(IBenchSender sender, DriveRequest r, int i, BenchData data) => r.Scenario switch
    {
        // Target i is topic i / Tenants of tenant i % Tenants: consecutive sends go to different tenants, as tenant-fanout's do.
        DriveRequest.TopicFanout => (
            sender.ToTopicAsync(_organizationIds[(i % _tenantSize.Length) / _tenantsPerOrg], _tenantIds[i % _tenantSize.Length], _topicNames[i / _tenantSize.Length], data),
            _topicSubscribers[i % _tenantSize.Length][i / _tenantSize.Length]),
        "org-fanout" => (sender.ToOrganizationAsync(_organizationIds[i], data), _orgSize[i]),
        "broadcast-all" => (sender.ToAllAsync(data), _connections),
        _ when r.Mode == DriveRequest.PaceMode => (Task.CompletedTask, _tenantSize[i]),
        _ when r.Mode == DriveRequest.StateMode => (sender.SetStateAsync(_organizationIds[i / _tenantsPerOrg], _tenantIds[i], data.K!, data), _tenantSize[i]),
        _ => (sender.ToTenantAsync(_organizationIds[i / _tenantsPerOrg], _tenantIds[i], data), _tenantSize[i]),
    };
}
