using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using TenantRealtime.Diagnostics;

namespace TenantRealtime.Delivery;

/// <summary>Closing a connection on purpose, with a coded reason the client may still read, reconnecting allowed or not.</summary>
internal sealed partial class TenantHubLifetimeManager<THub>
{
    /// <summary>
    /// How long the reason may take to reach the client before the connection is closed anyway: a client that reads
    /// slowly still gets it; a stalled one never would.
    /// </summary>
    private static readonly TimeSpan ReasonGrace = TimeSpan.FromSeconds(1);

    public bool CloseWithReason(string connectionId, string reason, bool allowReconnect) =>
        Find(connectionId) is { } sender && CloseWithReason(sender, reason, allowReconnect);

    private bool CloseWithReason(ConnectionSender sender, string reason, bool allowReconnect)
    {
        // One reason per connection: a flooder's next refused call or a second revocation must not write another.
        if (!sender.CloseForReason())
        {
            return false;
        }

        // SignalR's write lock keeps this behind a write that is still flushing; it never overtakes a frame.
        var write = sender.Connection.WriteAsync(new CloseMessage(reason, allowReconnect));
        _ = RequestCloseAsync(sender.Connection, write, allowReconnect);
        return true;
    }

    private async Task RequestCloseAsync(HubConnectionContext connection, ValueTask written, bool allowReconnect)
    {
        try
        {
            await written.AsTask().WaitAsync(ReasonGrace, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The client is not reading. Any close SignalR would send waits behind the same full pipe until the
            // transport's send timeout; aborting the transport ends it now, and without a close message clients treat
            // it as a lost connection, which they reconnect.
            if (connection.Features.Get<IConnectionLifetimeFeature>() is { } transport)
            {
                transport.Abort();
                return;
            }
        }

        // A close request ends the connection as a server shutdown does: with reconnecting allowed. Abort ends it with
        // reconnecting not allowed, which the close message already told the client.
        if (allowReconnect && connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
        {
            lifetime.RequestClose();
        }
        else
        {
            connection.Abort();
        }
    }

    private void CutLoose(ConnectionSender sender, long bytes, int messages)
    {
        metrics.ClosedByServer("slow-consumer");
        TenantRealtimeLog.SlowConsumer(logger, sender.ConnectionId, bytes, messages);
        CloseWithReason(sender, $"{TenantRealtimeWire.Errors.SlowConsumer}: the connection did not read its messages fast enough ({bytes} bytes waiting); reconnect and Resume.", allowReconnect: true);
    }
}
