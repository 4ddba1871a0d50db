using System.Text.Json;
using static TenantRealtime.Bench.Tests.BenchCli;

namespace TenantRealtime.Bench.Tests;

/// <summary>
/// topic-fanout (issue 31): every connection subscribes to its share of its tenant's topics, and each broadcast to a
/// topic reaches exactly its subscribers. A tiny run: the fields are there and the deliveries are the plan's, not
/// their cost.
/// </summary>
public sealed class TopicRunTests
{
    [Fact]
    public async Task A_tiny_topic_fanout_run_reaches_each_topics_subscribers()
    {
        // 2 tenants of 10 connections, 10 topics each, 5 per connection: every topic has 5 subscribers.
        var json = await RunAsync("tenantrealtime", "topic-fanout", "--topics-per-tenant", "10", "--topic-subscriptions", "5");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        run.GetProperty("scenario").GetString().Should().Be("topic-fanout");
        run.GetProperty("topicsPerTenant").GetInt32().Should().Be(10);
        run.GetProperty("topicSubscriptions").GetInt32().Should().Be(5);
        run.GetProperty("connected").GetInt32().Should().Be(20);
        run.GetProperty("errors").GetInt64().Should().Be(0);
        var expected = run.GetProperty("expectedDeliveries").GetInt64();
        var broadcasts = run.GetProperty("broadcasts").GetInt64();
        expected.Should().Be(broadcasts * 5, "each topic has 5 subscribers");
        run.GetProperty("delivered").GetInt64().Should().BeInRange(expected * 9 / 10, expected).And.BeGreaterThan(0);
    }

    [Fact]
    public async Task A_tiny_subscribe_storm_reports_subscribes_per_second_and_the_calls_tail()
    {
        var json = await RunAsync("tenantrealtime", "subscribe-storm", "--topics-per-tenant", "20");
        using var document = JsonDocument.Parse(json);
        var run = document.RootElement;

        run.GetProperty("topicSubscriptions").GetInt32().Should().Be(10, "a storm subscribes each connection to 10 topics by default");
        run.GetProperty("errors").GetInt64().Should().Be(0);
        var subscribes = run.GetProperty("subscribes").GetInt64();
        subscribes.Should().BeGreaterThan(0).And.Subject.Should().Match(n => n % 200 == 0, "every round grants all 20 connections their 10 topics");
        run.GetProperty("subscribesPerSec").GetDouble().Should().BeGreaterThan(0);
        run.GetProperty("subscribeCallP99Ms").GetDouble().Should().BeGreaterThanOrEqualTo(run.GetProperty("subscribeCallP50Ms").GetDouble());
        run.GetProperty("serverCpuUsPerSubscribe").GetDouble().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Topic_fanout_is_refused_for_a_target_without_topics()
    {
        var (exitCode, _, stderr) = await RunCliAsync(["--target", "signalr", "--scenario", "topic-fanout", "--connections", "20", "--tenants", "2", "--duration", "1"]);

        exitCode.Should().NotBe(0);
        stderr.Should().Contain("topic-fanout needs a TenantRealtime target").And.NotContain("   at ");
    }
}
