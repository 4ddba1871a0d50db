using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using TenantRealtime.Delivery;

namespace TenantRealtime.Tests.Delivery;

/// <summary>Connection senders over in-memory pipes, for tests of what keeps them (groups, state gates) rather than what they write.</summary>
internal static class TestSenders
{
    public static ConnectionSender Create(string connectionId)
    {
        var pipe = new Pipe();
        var context = new DefaultConnectionContext(connectionId, new DuplexPipe(pipe.Reader, pipe.Writer), new DuplexPipe(pipe.Reader, pipe.Writer));
        return new ConnectionSender(new HubConnectionContext(context, new HubConnectionContextOptions(), NullLoggerFactory.Instance), new SendLimits(1024, 10), new SendBacklog());
    }

    /// <summary>A transport or application side of a connection: one pipe's reader and another's (or the same) writer.</summary>
    public sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
