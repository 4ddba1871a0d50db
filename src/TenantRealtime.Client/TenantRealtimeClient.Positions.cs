using Microsoft.AspNetCore.SignalR.Client;
using TenantRealtime.Client.Internal;

namespace TenantRealtime.Client;

public sealed partial class TenantRealtimeClient
{
    /// <summary>
    /// Asks <c>Authenticate</c> for the current position of every room the connection holds and tracks the rooms the
    /// client has not seen yet from there, so a connection that drops before a room's first broadcast resumes it too.
    /// </summary>
    private async Task LearnPositionsAsync(CancellationToken cancellationToken)
    {
        if (_connection.State != HubConnectionState.Connected)
        {
            return;
        }

        AuthenticateResponse result;
        try
        {
            // No claims: the server confirms the identity it holds and answers with its rooms and their positions.
            result = await _connection.InvokeAsync<AuthenticateResponse>(
                TenantRealtimeWire.Methods.Authenticate,
                new Dictionary<string, object>(),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (_connection.State != HubConnectionState.Connected && !cancellationToken.IsCancellationRequested)
        {
            // The connection dropped under the call: the reconnect asks again.
            return;
        }

        var learned = await _recovery.LearnAsync(result.Positions, cancellationToken).ConfigureAwait(false);
        ClientLog.PositionsLearned(_logger, result.Positions.Count, learned);
    }
}
