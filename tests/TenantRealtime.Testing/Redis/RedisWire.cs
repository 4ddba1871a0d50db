using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TenantRealtime.Testing;

/// <summary>
/// Just enough of the Redis protocol to see whether a test Redis is ready (PING, CLUSTER INFO), so the fixtures
/// need no client library: one inline command per connection, and a simple, error or bulk string back.
/// </summary>
internal static class RedisWire
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Sends one command; the reply's text, or an error reply's text starting with '-'.</summary>
    public static async Task<string> SendAsync(int port, string command)
    {
        using var cancellation = new CancellationTokenSource(AttemptTimeout);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellation.Token).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"), cancellation.Token).ConfigureAwait(false);

        var reply = new List<byte>();
        var buffer = new byte[4096];
        string? text;
        while ((text = Parse(reply)) is null)
        {
            var read = await stream.ReadAsync(buffer, cancellation.Token).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"Redis on port {port} closed the connection before answering {command}.");
            }

            reply.AddRange(buffer.AsSpan(0, read));
        }

        return text;
    }

    /// <summary>
    /// Polls until <paramref name="isReady"/> holds for the reply to <paramref name="command"/>; connection errors
    /// count as "not yet". Fails at once when the process died, with its output, and at the deadline with the last reply.
    /// </summary>
    public static async Task WaitUntilAsync(int port, RedisProcess process, string command, Func<string, bool> isReady, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "(no answer)";
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"redis-server on port {port} exited with code {process.ExitCode} before {what}:{Environment.NewLine}{process.Output}");
            }

            try
            {
                last = await SendAsync(port, command).ConfigureAwait(false);
                if (isReady(last))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                last = ex.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server on port {port}: timed out after {timeout.TotalSeconds}s waiting until {what}. Last answer to {command}: {last}");
            }

            await Task.Delay(25).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the server answers PING with PONG (while an AOF loads it answers -LOADING).</summary>
    public static Task WaitUntilAnswersAsync(int port, RedisProcess process) =>
        WaitUntilAsync(port, process, "PING", reply => reply == "PONG", "it answered PING", TimeSpan.FromSeconds(10));

    /// <summary>The reply once complete (null while more bytes are needed); a nil bulk string is empty.</summary>
    private static string? Parse(List<byte> reply)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(reply);
        var lineEnd = span.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            return null;
        }

        var line = Encoding.ASCII.GetString(span[..lineEnd]);
        switch (line[0])
        {
            case '$':
                var length = int.Parse(line.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return "";
                }

                var start = lineEnd + 2;
                return span.Length < start + length + 2 ? null : Encoding.UTF8.GetString(span.Slice(start, length));
            case '-':
                return line;
            default:
                // +simple and :integer replies: the text after the type byte.
                return line[1..];
        }
    }
}
