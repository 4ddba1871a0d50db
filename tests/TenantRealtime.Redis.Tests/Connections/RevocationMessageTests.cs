using System.Text;
using TenantRealtime.Redis.Connections;

namespace TenantRealtime.Redis.Tests.Connections;

public sealed class RevocationMessageTests
{
    private static readonly string Server = Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData(RevocationMessage.DisconnectUser)]
    [InlineData(RevocationMessage.DisconnectTenant)]
    [InlineData(RevocationMessage.RefreshUserRooms)]
    public void AWellFormedMessageRoundTrips(string operation)
    {
        var message = new RevocationMessage(RevocationMessage.CurrentVersion, operation, "org-a", "alice", Server);

        RevocationMessage.TryParse(message.ToUtf8(), 64, out var parsed, out var problem).Should().BeTrue(problem);

        parsed.Should().Be(message);
    }

    [Theory]
    [InlineData("", "payload")]
    [InlineData("[]", "not a revocation")]
    [InlineData("null", "not a revocation")]
    [InlineData("""{"v":1,"op":"disconnect-user","org":"org-a","id":"alice"}""", "server")]
    [InlineData("""{"v":1,"op":"disconnect-user","org":"","id":"alice","server":"SERVER"}""", "malformed id")]
    [InlineData("""{"v":1,"op":"disconnect-user","org":"org-a","id":"a b","server":"SERVER"}""", "malformed id")]
    [InlineData("""{"v":1,"op":"DISCONNECT-USER","org":"org-a","id":"alice","server":"SERVER"}""", "unknown operation")]
    [InlineData("""{"v":1,"op":"disconnect-user","org":"org-a","id":"alice","server":"SERVER","extra":1}""", "not a revocation")]
    public void AMalformedMessageIsRejectedWithAReason(string json, string reason)
    {
        var payload = Encoding.UTF8.GetBytes(json.Replace("SERVER", Server, StringComparison.Ordinal));

        RevocationMessage.TryParse(payload, 64, out var parsed, out var problem).Should().BeFalse();

        parsed.Should().BeNull();
        problem.Should().Contain(reason);
    }

    [Fact]
    public void IdsLongerThanTheConfiguredMaximumAreRejected()
    {
        var message = new RevocationMessage(RevocationMessage.CurrentVersion, RevocationMessage.DisconnectUser, "org-a", new string('u', 65), Server);

        RevocationMessage.TryParse(message.ToUtf8(), 64, out _, out var problem).Should().BeFalse();
        problem.Should().Contain("malformed id");
    }
}
