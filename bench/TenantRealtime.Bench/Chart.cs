using System.Globalization;
using System.Net;
using System.Text;

namespace TenantRealtime.Bench;

/// <summary>A grouped horizontal bar chart as SVG (converted to PNG with rsvg-convert by compare.sh).</summary>
internal static class Chart
{
    private static readonly Dictionary<string, string> Colors = new(StringComparer.Ordinal)
    {
        [Targets.TenantRealtime] = "#2b6cb0",
        [Targets.TenantRealtimeRedis] = "#805ad5",
        [Targets.TenantRealtimeRedisCluster] = "#b83280",
        [Targets.SignalR] = "#718096",
        [Targets.SignalRRedis] = "#a0aec0",
        [Targets.SocketIo] = "#dd6b20",
    };

    public static string Svg(List<(string Cell, string Target, double Cpu, double? P99)> bars, string title)
    {
        const int left = 20, labelWidth = 170, barArea = 520, barHeight = 18, gap = 4, groupGap = 26;
        var max = bars.Count == 0 ? 1 : bars.Max(b => b.Cpu) * 1.15;
        var groups = bars.GroupBy(b => b.Cell).ToList();
        var height = 70 + groups.Sum(g => 22 + (g.Count() * (barHeight + gap)) + groupGap);
        var width = left + labelWidth + barArea + 150;
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif">""");
        s.AppendLine(CultureInfo.InvariantCulture, $"""<rect width="{width}" height="{height}" fill="white"/>""");
        s.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left}" y="28" font-size="17" font-weight="bold">{WebUtility.HtmlEncode(title)}</text>""");
        s.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left}" y="48" font-size="12" fill="#4a5568">server CPU µs per delivered message; p99 latency after each bar</text>""");
        var y = 70;
        foreach (var group in groups)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left}" y="{y + 12}" font-size="13" font-weight="bold">{WebUtility.HtmlEncode(group.Key)}</text>""");
            y += 22;
            foreach (var bar in group)
            {
                var w = Math.Max(1, bar.Cpu / max * barArea);
                var color = Colors.GetValueOrDefault(ReportCommand.TargetOf(bar.Target), "#38a169");
                s.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left + labelWidth - 8}" y="{y + 13}" font-size="12" text-anchor="end">{bar.Target}</text>""");
                s.AppendLine(CultureInfo.InvariantCulture, $"""<rect x="{left + labelWidth}" y="{y}" width="{w:0.0}" height="{barHeight}" fill="{color}"/>""");
                var p99 = bar.P99 is { } p ? $" · p99 {p:0.0} ms" : string.Empty;
                s.AppendLine(CultureInfo.InvariantCulture, $"""<text x="{left + labelWidth + w + 6:0.0}" y="{y + 13}" font-size="12">{bar.Cpu:0.0} µs{p99}</text>""");
                y += barHeight + gap;
            }

            y += groupGap;
        }

        s.AppendLine("</svg>");
        return s.ToString();
    }
}
