using TenantRealtime.Limits;

namespace TenantRealtime.Tests.Limits;

/// <summary>The open-file limit is read from <c>/proc/self/limits</c>, and the derived ceiling keeps a reserve free.</summary>
public sealed class FileDescriptorsTests
{
    // As Linux writes it: fixed-width columns, a header, "unlimited" for no limit.
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max cpu time              unlimited            unlimited            seconds
        Max file size             unlimited            unlimited            bytes
        Max processes             63371                63371                processes
        Max open files            20000                524288               files
        Max locked memory         8388608              8388608              bytes
        Max msgqueue size         819200               819200               bytes

        """;

    [Fact]
    public void TheSoftLimitIsTheFirstColumnOfTheMaxOpenFilesRow() =>
        FileDescriptors.ParseSoftLimit(Limits).Should().Be(20_000);

    [Theory]
    [InlineData("Max open files            unlimited            unlimited            files\n")]
    [InlineData("Max open files\n")]
    [InlineData("Max open files            -1                   4096                 files\n")]
    [InlineData("Max processes             63371                63371                processes\n")]
    [InlineData("")]
    public void NoSoftLimitWhenTheRowIsMissingUnlimitedOrMalformed(string limits) =>
        FileDescriptors.ParseSoftLimit(limits).Should().BeNull();

    [Fact]
    public void ThisProcessReportsItsLimitAndTheDescriptorsItHasOpen()
    {
        var read = FileDescriptors.ReadCurrentProcess();

        if (!OperatingSystem.IsLinux())
        {
            read.Should().BeNull("the limit is read from /proc, which only Linux has");
            return;
        }

        read.Should().NotBeNull();
        read!.Value.SoftLimit.Should().Be(FileDescriptors.ParseSoftLimit(File.ReadAllText("/proc/self/limits")));
        read.Value.InUse.Should().BeInRange(3, (int)read.Value.SoftLimit, "stdin, stdout and stderr at least, and never more than the limit");
    }

    [Theory]
    [InlineData(20_000, 200, 17_820)] // 10 % of the 19,800 free kept as reserve
    [InlineData(1_024, 200, 824 - ConnectionCeiling.MinimumReserve)] // 10 % would be 82: the fixed minimum applies
    [InlineData(3_000, 440, 2_560 - ConnectionCeiling.MinimumReserve)] // 10 % is exactly the minimum
    [InlineData(300, 200, 1)] // less free than the reserve: one connection, never zero
    [InlineData(200, 250, 1)]
    [InlineData(long.MaxValue, 10, int.MaxValue)]
    public void TheDerivedCeilingIsWhatIsFreeLessTheReserve(long softLimit, int inUse, int ceiling) =>
        ConnectionCeiling.Derive(new FileDescriptors(softLimit, inUse)).Should().Be(ceiling);
}
